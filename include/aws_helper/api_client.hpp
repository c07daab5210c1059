// Calling the REST APIs of other services, as the Python framework's ApiClient.
//
//   aws_helper::ApiClient users("users");   // URL from core's registry or MICROSERVICE_URLS
//   Json user = users.get("/users/" + id);
//   Json page = users.list("/users", {{"status", "active"}, {"limit", 10}});
//   Json created = users.post("/users", {{"name", "Ada"}});
//
// The service's URL is resolved at the first request, not in the constructor (as Python 1.11):
//   1. MICROSERVICE_URLS, a JSON object of service name -> base URL, when it names the service
//      (an override: local runs, a canary);
//   2. "core" is CORE_API_URL;
//   3. core's registry, GET {CORE_API_URL}/services ({"services": [{"code", "api_url"}]}),
//      read once per container; a name core does not know asks again at the next call.
// Requests carry
// "Authorization: Bearer <INTER_SERVICE_TOKEN, else AUTH_BYPASS_TOKEN>" and, when the current
// session has a state, "constitution-state: <state>", and, when a trace is current
// (trace.hpp), "X-Amzn-Trace-Id: <trace header>" (headers given to the constructor win).
// Bodies go as JSON with the MongoDB conversion; a JSON reply is parsed, any other reply is
// returned as a JSON string. Connections are kept alive per thread across warm invocations.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/headers.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

// The call did not complete: timeout, connection refused, DNS failure.
class ApiClientError : public Error {
 public:
  explicit ApiClientError(const std::string& message, int http_status = 502)
      : Error("ApiClientError", message, http_status) {}

 protected:
  ApiClientError(std::string error_type, const std::string& message, int http_status)
      : Error(std::move(error_type), message, http_status) {}
};

// No source names the service, or MICROSERVICE_URLS is unreadable.
class ServiceNotConfiguredError : public ApiClientError {
 public:
  explicit ServiceNotConfiguredError(const std::string& message)
      : ApiClientError("ServiceNotConfiguredError", message, 500) {}
};

// The service answered with a status of 400 or more.
class ApiResponseError : public ApiClientError {
 public:
  ApiResponseError(const std::string& message, int status_code, std::string response_body)
      : ApiClientError("ApiResponseError", message, 502),
        status_code_(status_code),
        response_body_(std::move(response_body)) {}
  [[nodiscard]] int status_code() const noexcept { return status_code_; }
  [[nodiscard]] const std::string& response_body() const noexcept { return response_body_; }

 private:
  int status_code_;
  std::string response_body_;
};

// The base URL of a service, resolved as ApiClient does (the steps above).
[[nodiscard]] std::string resolve_service_url(const std::string& service_name);

class ApiClient {
 public:
  using Headers = aws_helper::Headers;

  explicit ApiClient(const std::string& service_name, const Headers& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Query parameters are a JSON object: strings, numbers and booleans, or arrays of them
  // (repeated keys).
  [[nodiscard]] Json get(const std::string& path, const Json& params = Json::object()) const;
  [[nodiscard]] Json list(const std::string& path, const Json& params = Json::object()) const;
  Json post(const std::string& path, const Json& body = Json::object()) const;
  Json put(const std::string& path, const Json& body = Json::object()) const;
  Json patch(const std::string& path, const Json& body = Json::object()) const;
  // DELETE, with a JSON body only when one is given.
  Json del(const std::string& path, const Json& body = nullptr) const;

  // The service's base URL (resolved as above; may throw as a request does).
  [[nodiscard]] std::string base_url() const;

 private:
  Json request(const std::string& method, const std::string& path, const Json& params,
               const Json* body) const;
  std::string service_name_;
  Headers headers_;
  std::chrono::milliseconds timeout_;
};

}  // namespace aws_helper
