// <state>.orders: a state-scoped repository (no database_key), used by sqs:orders.
#pragma once

#include <aws_helper/repository.hpp>

class OrdersRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "orders"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"order_id", 1}}, .unique = true}};
  }
};
