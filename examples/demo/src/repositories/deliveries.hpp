// deliveries.shippings and deliveries.routes: fixed-database repositories used by
// lambda:generate-route.
#pragma once

#include <aws_helper/repository.hpp>

class ShippingsRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "shippings"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "deliveries"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"status", 1}}}};
  }
};

class RoutesRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "routes"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "deliveries"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"shipping_id", 1}}}};
  }
};
