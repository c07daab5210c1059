// The model-query Lambda of the seed README, with a small maximum limit so the test sees it.
#include <aws_helper/model_query.hpp>

class ModelQueryLambda : public aws_helper::ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "customers"};
  }
  [[nodiscard]] std::int64_t max_limit() const override { return 5; }
};
