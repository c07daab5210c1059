// POST /shippings — the seed README's ShippingPostAPI. The route is generated later by
// lambda:generate-route (invoked with the returned shipping_id).
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

#include "schemas/demo_schemas.hpp"

class ShippingsPostAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<ShippingSchema>();
  }

  void process() override {
    auto input = this->input<ShippingSchema>();
    aws_helper::Json shipping = {{"customer_id", input.customer_id},
                                 {"address", input.address},
                                 {"items", input.items},
                                 {"status", "pending"},
                                 {"route_pending", true}};
    auto inserted = db()["deliveries"]["shippings"].insert_one(shipping);
    set_code(201).set_body({{"shipping_id", inserted.inserted_id},
                            {"status", "pending"},
                            {"message", "Shipping created, route generation in progress"}});
  }
};
