// analytics_db.reports: written by POST /reports. Every write carries created_at/created_by and
// updated_at/updated_by (the JWT's user as author) and a record status from statuses().
#pragma once

#include <aws_helper/repository.hpp>

class ReportsRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "reports"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "analytics_db"; }
  [[nodiscard]] std::vector<std::string> statuses() const override {
    return {"draft", "published", "archived"};
  }
};
