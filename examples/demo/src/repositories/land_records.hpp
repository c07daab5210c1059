// A state-scoped repository: the database is the session's state (connecticut.records, ...).
#pragma once

#include <aws_helper/repository.hpp>

class LandRecordsRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "records"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"unique_id", 1}}, .unique = true}, {.keys = {{"owner", 1}, {"town", 1}}}};
  }

  // Upserts by unique_id; returns how many were inserted.
  std::int64_t upsert(const std::vector<aws_helper::Json>& records) const {
    std::int64_t inserted = 0;
    for (const auto& record : records) {
      auto result = collection().update_one({{"unique_id", record.at("unique_id")}},
                                            {{"$set", record}}, true);
      if (result.upserted_id) ++inserted;
    }
    return inserted;
  }
};
