// The demo APIs' input schemas (the seed README's pydantic models, as described structs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <aws_helper/schema.hpp>

// GET /constitutions?country=us&limit=10
struct ConstitutionQuery {
  std::optional<std::string> country;
  int limit = 100;
  int skip = 0;
  static void describe(aws_helper::Fields<ConstitutionQuery>& f) {
    f.optional("country", &ConstitutionQuery::country).min_length(2).max_length(2);
    f.optional("limit", &ConstitutionQuery::limit).minimum(1).maximum(1000);
    f.optional("skip", &ConstitutionQuery::skip).minimum(0);
  }
};

// POST /users
struct NewUser {
  std::string name;
  std::string email;
  std::string role = "user";
  static void describe(aws_helper::Fields<NewUser>& f) {
    f.required("name", &NewUser::name).min_length(1).max_length(100);
    f.required("email", &NewUser::email).pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    f.optional("role", &NewUser::role).one_of({"user", "admin"});
  }
};

// PUT /users/{id}: every field optional; only the given ones change.
struct UserChanges {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> role;
  static void describe(aws_helper::Fields<UserChanges>& f) {
    f.optional("name", &UserChanges::name).min_length(1).max_length(100);
    f.optional("email", &UserChanges::email).pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    f.optional("role", &UserChanges::role).one_of({"user", "admin"});
  }
};

// POST /users/{user_id}/posts
struct NewPost {
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  static void describe(aws_helper::Fields<NewPost>& f) {
    f.required("title", &NewPost::title).min_length(1).max_length(200);
    f.optional("body", &NewPost::body).max_length(10000);
    f.optional("tags", &NewPost::tags).max_length(10);
  }
};

// POST /shippings (the seed README's ShippingSchema)
struct ShippingSchema {
  std::string customer_id;
  std::string address;
  std::vector<std::string> items;
  static void describe(aws_helper::Fields<ShippingSchema>& f) {
    f.required("customer_id", &ShippingSchema::customer_id).min_length(1);
    f.required("address", &ShippingSchema::address).min_length(1);
    f.required("items", &ShippingSchema::items).min_length(1);
  }
};

// POST /shippings' reply, for the OpenAPI document (ShippingsPostAPI::doc()).
struct ShippingCreated {
  std::string shipping_id;
  std::string status;
  bool route_requested = false;
  std::string message;
  static void describe(aws_helper::Fields<ShippingCreated>& f) {
    f.required("shipping_id", &ShippingCreated::shipping_id).description("The new ObjectId");
    f.required("status", &ShippingCreated::status).one_of({"pending"});
    f.required("route_requested", &ShippingCreated::route_requested)
        .description("Whether lambda:generate-route was asked for the route");
    f.required("message", &ShippingCreated::message);
  }
};

struct NewConstitution {
  std::string name;
  std::string country;
  std::int64_t year = 0;
  static void describe(aws_helper::Fields<NewConstitution>& f) {
    f.required("name", &NewConstitution::name).min_length(1);
    f.required("country", &NewConstitution::country).min_length(2).max_length(2);
    f.required("year", &NewConstitution::year).minimum(1000).maximum(3000);
  }
};

struct TaxSearchRequest {
  std::vector<std::string> towns;
  static void describe(aws_helper::Fields<TaxSearchRequest>& f) {
    f.required("towns", &TaxSearchRequest::towns).min_length(1).max_length(10);
  }
};

// lambda:quote-shipping and GET /shipping-quotes: a price from weight and distance.
struct QuoteRequest {
  double weight_kg = 1.0;
  double distance_km = 0.0;
  std::string service = "standard";
  static void describe(aws_helper::Fields<QuoteRequest>& f) {
    f.required("weight_kg", &QuoteRequest::weight_kg).minimum(0.001).maximum(1000);
    f.required("distance_km", &QuoteRequest::distance_km).minimum(0).maximum(20000);
    f.optional("service", &QuoteRequest::service).one_of({"standard", "express"});
  }
};

// The demo's tariff: a base fee, a rate per kg and per km, express costs half again. Pure
// computation, no I/O: the no-I/O handler of bench/vs_python (the same in Python there).
inline aws_helper::Json quote_shipping(const QuoteRequest& request) {
  double price = 4.5 + 1.2 * request.weight_kg + 0.05 * request.distance_km;
  if (request.service == "express") price *= 1.5;
  return {{"service", request.service},
          {"price", static_cast<double>(static_cast<long long>(price * 100 + 0.5)) / 100},
          {"currency", "USD"}};
}
