// HTTP requests and replies as API Gateway, Lambda Function URLs and ALB deliver them.
//
// parse_http_event() turns any of the four event shapes (REST API v1, HTTP API v2, Function
// URL, ALB) into one HttpRequest; format_http_reply() answers in the shape of the event's
// origin. Both are what the `api` handler and `bootstrap serve` use; they are public so tests
// and custom handlers can use them too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/headers.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

enum class EventSource {
  rest_v1,       // API Gateway REST API (payload format 1.0)
  http_v2,       // API Gateway HTTP API (payload format 2.0)
  function_url,  // Lambda Function URL (payload format 2.0)
  alb,           // Application Load Balancer
};

[[nodiscard]] std::string_view to_string(EventSource source) noexcept;

struct HttpRequest {
  EventSource source = EventSource::http_v2;
  std::string method;  // upper case: "GET"
  // The routed path: stage and configured base-path prefixes removed, each segment
  // percent-decoded; always starts with '/'.
  std::string path = "/";
  // The route API Gateway matched, when it says: REST `resource` ("/users/{id}"), HTTP API
  // routeKey's path; empty for Function URLs, ALB and $default routes.
  std::string route_template;
  Headers headers;
  QueryParameters query;
  std::string body;  // the bytes (isBase64Encoded bodies decoded)
  // The event carried multiValueHeaders (REST API; ALB target groups with multi-value headers
  // on). An ALB reply must then use multiValueHeaders too.
  bool multi_value_headers = false;
  std::string request_id;  // the API Gateway / ALB request id (not the Lambda one)
  std::string source_ip;
  std::string stage;
  Json authorizer = nullptr;  // requestContext.authorizer (claims of a JWT / Cognito authorizer)
};

// Reads an API Gateway / Function URL / ALB event. `base_paths` ("/v1", "/api") are stripped
// from the front of the path when present. Throws ValueError when the event is not an HTTP
// event or a field has the wrong type, naming the field.
[[nodiscard]] HttpRequest parse_http_event(const Json& event,
                                           const std::vector<std::string>& base_paths = {});

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  bool base64 = false;  // body holds raw bytes to send Base64-encoded
};

// The Lambda reply for `request`'s origin: {statusCode, headers | multiValueHeaders, body,
// isBase64Encoded} (+ statusDescription for ALB, cookies for HTTP API v2 / Function URL).
// The response is taken by value: its body moves into the reply instead of being copied.
[[nodiscard]] Json format_http_reply(const HttpRequest& request, HttpResponse response);

// "Not Found" for 404, ... ("Unknown" when unknown).
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

// RFC 3986 percent-decoding; with `plus_as_space`, '+' is a space (form and query encoding).
// Malformed escapes are kept as they are.
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_as_space = false);

// "a=1&b=x%20y&a=2" -> [(a,1), (b,"x y"), (a,2)].
[[nodiscard]] QueryParameters parse_query_string(std::string_view text);

}  // namespace aws_helper
