#include "runtime/runtime_client.hpp"

#include <charconv>

#include <aws_helper/env.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper::runtime {

namespace {
constexpr std::string_view kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

std::chrono::system_clock::time_point parse_deadline(const std::optional<std::string>& text) {
  // system_clock counts nanoseconds in 64 bits: a deadline past 2262 would overflow on the way
  // in. It is not one Lambda sends; like a missing one, it gets the fallback below.
  constexpr long long kLatestMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::duration::max())
                                      .count();
  if (text) {
    long long ms = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, ms);
    if (ec == std::errc() && ptr == end && ms > 0 && ms <= kLatestMs) {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
    }
  }
  // Lambda always sends the deadline; without one, assume the longest function timeout.
  long long timeout_s = 900;
  if (auto configured = get_env("AWS_LAMBDA_FUNCTION_TIMEOUT")) {
    std::from_chars(configured->data(), configured->data() + configured->size(), timeout_s);
  }
  return std::chrono::system_clock::now() + std::chrono::seconds(timeout_s);
}
// A header value must be one line; an error type comes from user code, so keep it printable.
std::string header_safe(std::string_view value) {
  std::string out(value.substr(0, 256));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
  }
  return out;
}
}  // namespace

std::string error_payload(std::string_view error_type, std::string_view message) {
  Json body = Json::object();
  body["errorMessage"] = message;
  body["errorType"] = error_type;
  body["stackTrace"] = Json::array();
  return dump_json(body);
}

InvocationContext context_from_headers(const http::Headers& headers) {
  InvocationContext context;
  auto get = [&](std::string_view name) { return headers.get_or(name, {}); };
  context.request_id = get("Lambda-Runtime-Aws-Request-Id");
  context.deadline = parse_deadline(headers.get("Lambda-Runtime-Deadline-Ms"));
  context.function_arn = get("Lambda-Runtime-Invoked-Function-Arn");
  context.trace_id = get("Lambda-Runtime-Trace-Id");
  context.client_context = get("Lambda-Runtime-Client-Context");
  context.cognito_identity = get("Lambda-Runtime-Cognito-Identity");
  context.tenant_id = get("Lambda-Runtime-Aws-Tenant-Id");
  return context;
}

RuntimeClient::RuntimeClient(std::string endpoint)
    : base_("http://" + std::move(endpoint) + "/2018-06-01/runtime") {}

InvocationRequest RuntimeClient::next() {
  http::Request request;
  request.url = base_ + "/invocation/next";
  request.timeout = std::chrono::milliseconds(0);
  http::Response response = http_.send(request);
  if (response.status != 200) {
    throw RuntimeApiError("GET /runtime/invocation/next returned " +
                              std::to_string(response.status) + ": " + response.body,
                          response.status);
  }
  InvocationRequest invocation;
  invocation.context = context_from_headers(response.headers);
  invocation.payload = std::move(response.body);
  if (invocation.context.request_id.empty()) {
    throw RuntimeApiError("GET /runtime/invocation/next sent no Lambda-Runtime-Aws-Request-Id",
                          response.status);
  }
  return invocation;
}

int RuntimeClient::post(const std::string& path, std::string body, std::string_view error_type) {
  http::Request request;
  request.method = "POST";
  request.url = base_ + path;
  request.headers = {{"Content-Type", "application/json"}};
  if (!error_type.empty()) {
    request.headers.add(std::string(kErrorTypeHeader), header_safe(error_type));
  }
  request.body = std::move(body);
  request.timeout = std::chrono::seconds(60);
  return http_.send(request).status;
}

int RuntimeClient::post_response(std::string_view request_id, const std::string& payload) {
  return post("/invocation/" + std::string(request_id) + "/response", payload, {});
}

int RuntimeClient::post_error(std::string_view request_id, std::string_view error_type,
                              std::string_view message) {
  return post("/invocation/" + std::string(request_id) + "/error",
              error_payload(error_type, message), error_type);
}

int RuntimeClient::post_init_error(std::string_view error_type, std::string_view message) {
  return post("/init/error", error_payload(error_type, message), error_type);
}

}  // namespace aws_helper::runtime
