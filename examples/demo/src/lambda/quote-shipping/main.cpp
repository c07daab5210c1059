// lambda:quote-shipping — prices a shipping from its weight and distance. No database, no
// state: the framework's own overhead, measured against the Python framework in bench/vs_python.
//
//   curl -d '{"data":{"weight_kg":2.5,"distance_km":120,"service":"express"}}' \
//        http://127.0.0.1:9000/2015-03-31/functions/function/invocations
#include <aws_helper/lambda.hpp>

#include "schemas/demo_schemas.hpp"

class QuoteShippingLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  [[nodiscard]] const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<QuoteRequest>();
  }
  aws_helper::Json process() override { return quote_shipping(input<QuoteRequest>()); }
};
