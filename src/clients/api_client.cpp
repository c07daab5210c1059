#include <aws_helper/api_client.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sigv4.hpp>
#include <aws_helper/trace.hpp>

#include "clients/service_registry.hpp"
#include "core/text.hpp"
#include "http/core_api.hpp"
#include "http/http_client.hpp"

namespace aws_helper {
namespace {

std::string scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  return dump_json(serialize_mongo_types(value));
}

std::string query_string(const Json& params) {
  if (params.is_null()) return {};
  if (!params.is_object()) throw ValueError("Query parameters must be a JSON object");
  std::string out;
  auto add = [&out](const std::string& key, const Json& value) {
    if (value.is_null()) return;
    out += out.empty() ? '?' : '&';
    out += sigv4::uri_encode(key);
    out += '=';
    out += sigv4::uri_encode(scalar_text(value));
  };
  for (const auto& [key, value] : params.items()) {
    if (value.is_array()) {
      for (const auto& item : value) add(key, item);
    } else {
      add(key, value);
    }
  }
  return out;
}

http::Client& thread_client() {
  thread_local http::Client client;
  return client;
}

}  // namespace

ApiClient::ApiClient(const std::string& service_name, const Headers& headers,
                     std::chrono::milliseconds timeout)
    : service_name_(service_name), timeout_(timeout) {
  if (auto token = http::inter_service_token(); !token.empty()) {
    headers_.add("Authorization", "Bearer " + token);
  } else {
    Logger("aws_helper.clients")
        .warn(
            "Neither INTER_SERVICE_TOKEN nor AUTH_BYPASS_TOKEN is set; calls "
            "to {} go without an Authorization header",
            service_name);
  }
  // The caller's headers win over the defaults.
  for (const auto& [name, value] : headers) {
    if (detail::breaks_header_line(name) || detail::breaks_header_line(value)) {
      throw ValueError("Header '" + excerpt(name) + "' contains CR, LF or NUL");
    }
    headers_.set(name, value);
  }
}

Json ApiClient::request(const std::string& method, const std::string& path, const Json& params,
                        const Json* body) const {
  http::Request request;
  request.method = method;
  request.url =
      base_url() + "/" +
      path.substr(path.find_first_not_of('/') == std::string::npos ? path.size()
                                                                   : path.find_first_not_of('/')) +
      query_string(params);
  request.headers = headers_;
  request.timeout = timeout_;
  request.connect_timeout = std::min(timeout_, std::chrono::milliseconds(10000));
  if (!request.headers.contains("Accept")) request.headers.add("Accept", "application/json");
  // The caller's trace, so the service called continues it (API Gateway and ALB pass it on).
  if (!request.headers.contains(trace::kHttpHeader)) {
    if (auto header = trace::current(); !header.empty()) {
      request.headers.add(std::string(trace::kHttpHeader), std::move(header));
    }
  }
  if (const auto& state = get_session().state(); state) {
    if (const std::string header = state_header_name(); !request.headers.contains(header)) {
      request.headers.add(header, *state);
    }
  }
  if (body != nullptr) {
    request.body = mongo_json_dumps(*body);
    if (!request.headers.contains("Content-Type")) {
      request.headers.add("Content-Type", "application/json");
    }
  }
  http::Response response;
  try {
    response = thread_client().send(request);
  } catch (const http::TransportError& error) {
    if (error.timed_out()) throw ApiClientError("Timeout calling " + method + " " + request.url);
    throw ApiClientError("Error calling " + method + " " + request.url + ": " + error.what());
  }
  if (response.status >= 400) {
    throw ApiResponseError(
        method + " " + request.url + " returned " + std::to_string(response.status),
        response.status, response.body);
  }
  if (response.body.empty()) return nullptr;
  try {
    return parse_json(response.body);
  } catch (const ValueError&) {
    return response.body;
  }
}

std::string resolve_service_url(const std::string& service_name) {
  return detail::resolve_service_url(service_name);
}

std::string ApiClient::base_url() const {
  return detail::resolve_service_url(service_name_);
}

Json ApiClient::get(const std::string& path, const Json& params) const {
  return request("GET", path, params, nullptr);
}
Json ApiClient::list(const std::string& path, const Json& params) const {
  return request("GET", path, params, nullptr);
}
Json ApiClient::post(const std::string& path, const Json& body) const {
  return request("POST", path, nullptr, &body);
}
Json ApiClient::put(const std::string& path, const Json& body) const {
  return request("PUT", path, nullptr, &body);
}
Json ApiClient::patch(const std::string& path, const Json& body) const {
  return request("PATCH", path, nullptr, &body);
}
Json ApiClient::del(const std::string& path, const Json& body) const {
  return request("DELETE", path, nullptr, body.is_null() ? nullptr : &body);
}

}  // namespace aws_helper
