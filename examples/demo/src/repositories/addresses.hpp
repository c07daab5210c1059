// A repository on an external cluster (EXTERNAL_MONGODB_CONNECTIONS: "ClusterDockets").
#pragma once

#include <aws_helper/repository.hpp>

class AddressRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "address"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "smart_data"; }
  [[nodiscard]] bool is_external() const override { return true; }
  [[nodiscard]] std::optional<std::string> cluster_name() const override {
    return "ClusterDockets";
  }

  [[nodiscard]] std::vector<aws_helper::Json> find_by_query(const aws_helper::Json& query,
                                                            std::int64_t limit = 0) const {
    aws_helper::FindOptions options;
    options.limit = limit;
    return collection().find(query, options).to_list();
  }
};
