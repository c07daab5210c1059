// A repository with a fixed database: always core.towns.
#pragma once

#include <aws_helper/repository.hpp>

class TownsRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "towns"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "core"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"name", 1}}}, {.keys = {{"platform", 1}}}};
  }

  [[nodiscard]] std::optional<aws_helper::Json> find_by_name(const std::string& name) const {
    return collection().find_one({{"name", name}});
  }
};
