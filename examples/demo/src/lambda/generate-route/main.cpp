// lambda:generate-route — the seed README's example: plans a route for a shipping.
//
//   curl -d '{"session":{"state":"connecticut"},"data":{"shipping_id":"65f1a2b3c4d5e6f7a8b9c0d1"}}'
//   \
//        http://127.0.0.1:9000/2015-03-31/functions/function/invocations
//
// Reads deliveries.shippings, writes the route to deliveries.routes, marks the shipping
// scheduled, and returns {route_id, shipping_id}. An unknown id is an error envelope.
#include <aws_helper/document.hpp>
#include <aws_helper/lambda.hpp>

#include "repositories/deliveries.hpp"

class GenerateRouteLambda : public aws_helper::Lambda {
 public:
  void validate() override {
    if (!data().contains("shipping_id")) throw aws_helper::ValueError("shipping_id is required");
    if (!data()["shipping_id"].is_string()) {
      throw aws_helper::ValueError("shipping_id must be a string");
    }
  }

  aws_helper::Json process() override {
    const auto& shipping_id = data()["shipping_id"].get_ref<const std::string&>();
    aws_helper::Json id = aws_helper::object_id(shipping_id);  // ValueError if not 24 hex digits

    auto shipping = shippings_.collection().find_one({{"_id", id}});
    if (!shipping) throw aws_helper::ValueError("Shipping " + shipping_id + " not found");

    auto inserted = routes_.collection().insert_one(
        {{"shipping_id", id},
         {"carrier_id", shipping->value("carrier_id", aws_helper::Json())},
         {"state", *session().state()},
         {"status", "pending"}});  // created_at/by, updated_at/by and lifecycle_status: stamped
    shippings_.collection().update_one({{"_id", id}}, {{"$set", {{"status", "scheduled"}}}});
    logger().info("Route created: {}", inserted.inserted_id["$oid"].get<std::string>());
    metrics().count("RoutesGenerated");  // an EMF line per invocation (docs/metrics.md)
    return {{"route_id", inserted.inserted_id}, {"shipping_id", shipping_id}};
  }

 private:
  ShippingsRepository shippings_;
  RoutesRepository routes_;
};
