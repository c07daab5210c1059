// The model-query Lambda of the seed README, with a small maximum limit so the test sees it,
// and a collection that hides fields.
#include <aws_helper/model_query.hpp>

class ModelQueryLambda : public aws_helper::ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "customers", "accounts"};
  }
  // Python 1.15's {"accounts": {"exclude": ["password", "profile.ssn"]}}.
  [[nodiscard]] std::vector<std::string> excluded_fields(
      const std::string& collection) const override {
    if (collection == "accounts") return {"password", "profile.ssn"};
    return {};
  }
  [[nodiscard]] std::int64_t max_limit() const override { return 5; }
};
