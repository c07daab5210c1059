// POST /shippings — the seed README's ShippingPostAPI: stores the shipping, then asks
// lambda:generate-route for its route asynchronously (LambdaInvoker::invoke_async; the function
// is GENERATE_ROUTE_FUNCTION, default "generate-route"). The request's `constitution-state`
// header is the session's state, and the invoker passes the session on to the Lambda. A client
// that sends an Idempotency-Key header may retry safely: the repeat gets the first reply (the
// same shipping_id, `Idempotent-Replayed: true`) and creates nothing (docs/idempotency.md).
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/lambda_invoker.hpp>

#include "repositories/deliveries.hpp"
#include "schemas/demo_schemas.hpp"

class ShippingsPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Create a shipping and request its route",
            .success_code = 201,
            .response = &aws_helper::schema_of<ShippingCreated>()};
  }
  [[nodiscard]] std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::state;
  }
  [[nodiscard]] std::optional<aws_helper::IdempotencyConfig> idempotency() const override {
    aws_helper::IdempotencyConfig config;
    config.expires_after = std::chrono::hours(24);
    return config;
  }
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
    // Through the repository, so the document carries who created it (the caller's user, or
    // this function) and when.
    auto inserted = shippings_.collection().insert_one(shipping);
    auto shipping_id = inserted.inserted_id.at("$oid").get<std::string>();
    // The shipping is stored either way; a failed request for the route is reported, not
    // thrown, so the client does not retry a create that worked.
    bool requested = true;
    try {
      aws_helper::LambdaInvoker().invoke_async(
          aws_helper::get_env_or("GENERATE_ROUTE_FUNCTION", "generate-route"),
          {{"data", {{"shipping_id", shipping_id}}}});
    } catch (const std::exception& error) {
      logger().error("Route generation for {} was not requested: {}", shipping_id, error.what());
      requested = false;
    }
    metrics().count("ShippingsCreated");
    if (!requested) metrics().count("RouteRequestsFailed");
    set_code(201).set_body({{"shipping_id", shipping_id},
                            {"status", "pending"},
                            {"route_requested", requested},
                            {"message", requested ? "Shipping created, route generation in progress"
                                                  : "Shipping created; route generation could "
                                                    "not be requested"}});
  }

 private:
  ShippingsRepository shippings_;
};
