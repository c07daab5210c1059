#include "clients/service_registry.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <aws_helper/api_client.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/log.hpp>

#include "core/text.hpp"
#include "http/core_api.hpp"

namespace aws_helper::detail {
namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.clients"};
  return instance;
}

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

struct Override {
  std::optional<std::string> url;  // MICROSERVICE_URLS names the service
  std::vector<std::string> names;  // every name it has (for the error when none matches)
};

// MICROSERVICE_URLS["name"], when the variable is set and names the service. A variable that
// is set but unreadable is an error, not a silent fall-through to core.
// The variable parsed, kept per thread for as long as its text stays the same: an ApiClient
// request no longer parses the whole map again.
struct ParsedUrls {
  std::optional<std::string> text;  // the value parsed (nullopt: nothing parsed yet)
  Json map;
  std::optional<std::string> error;  // why it cannot be used
};

const ParsedUrls& parsed_microservice_urls(const std::string& text) {
  thread_local ParsedUrls cache;
  if (cache.text == text) return cache;
  cache = ParsedUrls{text, Json(), std::nullopt};
  try {
    cache.map = parse_json(text, "MICROSERVICE_URLS");
    if (!cache.map.is_object())
      cache.error = "MICROSERVICE_URLS must be a JSON object of name -> URL";
  } catch (const ValueError&) {
    cache.error = "MICROSERVICE_URLS is not valid JSON";
  }
  return cache;
}

Override from_microservice_urls(const std::string& service_name) {
  auto urls = get_env("MICROSERVICE_URLS");
  if (!urls || trim(*urls).empty()) return {};
  const ParsedUrls& parsed = parsed_microservice_urls(*urls);
  if (parsed.error) throw ServiceNotConfiguredError(*parsed.error);
  const Json& map = parsed.map;
  Override found;
  for (const auto& [name, url] : map.items()) found.names.push_back(excerpt(name));
  auto it = map.find(service_name);
  if (it == map.end()) return found;
  if (!it->is_string()) {
    throw ServiceNotConfiguredError("MICROSERVICE_URLS[\"" + excerpt(service_name) +
                                    "\"] must be a string URL");
  }
  auto url = without_trailing_slashes(it->get<std::string>());
  if (!is_http_url(url)) {
    throw ServiceNotConfiguredError("MICROSERVICE_URLS[\"" + excerpt(service_name) +
                                    "\"] must be an http:// or https:// URL, got '" + excerpt(url) +
                                    "'");
  }
  found.url = std::move(url);
  return found;
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::string, std::less<>> urls;  // code -> api_url, from core
};

Registry& registry() {
  static Registry instance;
  return instance;
}

// {"services": [{"code": "...", "api_url": "..."}, ...]}; entries without a usable URL are
// skipped (a service registered before it has an API).
std::map<std::string, std::string, std::less<>> read_registry() {
  Json reply;
  try {
    reply = http::get_from_core("/services", std::chrono::seconds(10), true);
  } catch (const http::CoreApiError& error) {
    throw ApiClientError(std::string("Could not read the service registry: ") + error.what());
  }
  const Json* services =
      reply.is_object() && reply.contains("services") ? &reply["services"] : nullptr;
  if (services == nullptr || !services->is_array()) {
    throw ApiClientError(
        "The service registry at CORE_API_URL/services did not answer "
        "{\"services\": [...]}");
  }
  std::map<std::string, std::string, std::less<>> found;
  for (const Json& service : *services) {
    if (!service.is_object()) continue;
    const Json code = service.value("code", Json());
    const Json url = service.value("api_url", Json());
    if (!code.is_string() || !url.is_string() || url.get<std::string>().empty()) continue;
    auto clean = without_trailing_slashes(url.get<std::string>());
    if (!is_http_url(clean)) {
      logger().warn("Core lists service {} with an api_url that is not http(s); ignored",
                    excerpt(code.get<std::string>()));
      continue;
    }
    found[code.get<std::string>()] = std::move(clean);
  }
  return found;
}

}  // namespace

std::string resolve_service_url(const std::string& service_name) {
  auto override = from_microservice_urls(service_name);
  if (override.url) return std::move(*override.url);
  std::string core = http::core_api_url();
  if (core.empty()) {
    throw ServiceNotConfiguredError(
        "Service '" + excerpt(service_name) +
        "' has no URL: CORE_API_URL (core's service registry) is not set and MICROSERVICE_URLS " +
        (override.names.empty() ? std::string("is not set either")
                                : "names only: " + join(override.names, ", ")));
  }
  if (service_name == "core") {
    if (!is_http_url(core)) {
      throw ServiceNotConfiguredError("CORE_API_URL must be an http:// or https:// URL");
    }
    return core;
  }
  Registry& cache = registry();
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.urls.find(service_name); it != cache.urls.end()) return it->second;
  }
  auto found = read_registry();  // outside the lock: a slow core does not stall other names
  std::lock_guard lock(cache.mutex);
  for (auto& [code, url] : found) cache.urls[code] = url;
  if (auto it = cache.urls.find(service_name); it != cache.urls.end()) return it->second;
  std::vector<std::string> known;
  known.reserve(cache.urls.size());
  for (const auto& [code, url] : cache.urls) known.push_back(excerpt(code));
  throw ServiceNotConfiguredError("Core does not know a service called '" + excerpt(service_name) +
                                  "'. Registered: " + (known.empty() ? "none" : join(known, ", ")) +
                                  ". A service appears there when it deploys");
}

void forget_service_urls() {
  std::lock_guard lock(registry().mutex);
  registry().urls.clear();
}

}  // namespace aws_helper::detail
