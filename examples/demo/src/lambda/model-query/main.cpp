// lambda:model-query — the seed README's query proxy: other services read this service's
// `orders` and `customers` (in the caller's state database) and nothing else.
//
//   curl -d
//   '{"session":{"state":"connecticut"},"collection":"orders","filter":{"status":"open"},"limit":10}'
//   \
//     http://127.0.0.1:9000/2015-03-31/functions/function/invocations
#include <aws_helper/model_query.hpp>

class ModelQueryLambda : public aws_helper::ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "customers"};
  }
};
