// deliveries.shippings and deliveries.routes: fixed-database repositories used by POST
// /shippings and lambda:generate-route. Every write through them carries the audit fields
// (created_at/by, updated_at/by) as Python 1.15 writes them; see docs/mongodb.md.
#pragma once

#include <aws_helper/repository.hpp>

class ShippingsRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "shippings"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "deliveries"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"status", 1}}}};
  }
  // A shipping's own lifecycle: any other status is refused (InvalidStatusError, 400).
  [[nodiscard]] std::vector<std::string> statuses() const override {
    return {"pending", "scheduled", "delivered", "cancelled"};
  }
};

class RoutesRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "routes"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "deliveries"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"shipping_id", 1}}}};
  }
  // `status` is the route's planning state (data of its own): the record's lifecycle
  // (active/inactive) goes to `lifecycle_status` instead.
  [[nodiscard]] std::string status_field() const override { return "lifecycle_status"; }
};
