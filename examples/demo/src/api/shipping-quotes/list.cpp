// GET /shipping-quotes?weight_kg=2.5&distance_km=120&service=express — the same tariff as
// lambda:quote-shipping, as an API: query parameters coerced by the schema, no database.
#include <aws_helper/api.hpp>

#include "schemas/demo_schemas.hpp"

class ShippingQuotesListAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<QuoteRequest>();
  }
  void process() override { set_body({{"data", quote_shipping(input<QuoteRequest>())}}); }
};
