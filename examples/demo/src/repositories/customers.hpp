// <state>.customers: state-scoped, read by other services through lambda:model-query.
#pragma once

#include <aws_helper/repository.hpp>

class CustomersRepository : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "customers"; }
  [[nodiscard]] std::vector<aws_helper::IndexSpec> indexes() const override {
    return {{.keys = {{"email", 1}}, .unique = true, .sparse = true}};
  }
};
