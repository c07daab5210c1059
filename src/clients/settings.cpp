// Service settings (see settings.hpp): aws-python-helper 1.15.3's settings.py, one fetch per
// container, the declared defaults whenever core cannot answer.
#include <chrono>
#include <mutex>
#include <optional>

#include <aws_helper/env.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/settings.hpp>

#include "clients/settings_detail.hpp"
#include "core/text.hpp"
#include "http/core_api.hpp"

namespace aws_helper::settings {

namespace {

constexpr std::chrono::seconds kTimeout{5};
// When core did not answer it is not asked again on every request.
constexpr std::chrono::seconds kRetryFloor{60};

struct State {
  std::mutex mutex;  // guards everything below
  std::vector<Setting> declared;
  std::optional<Json> values;  // core's values over the defaults, once fetched
  std::optional<std::chrono::steady_clock::time_point> last_try;
  std::mutex fetch;  // one fetch at a time; the others wait for its answer
};

State& state() {
  static State instance;
  return instance;
}

const Logger& logger() {
  static const Logger instance("aws_helper.settings");
  return instance;
}

Json defaults_locked(const State& s) {
  Json out = Json::object();
  for (const auto& setting : s.declared) out[setting.code] = setting.default_value;
  return out;
}

// Who this service is, as it registered in core.
std::string service_code() {
  for (const char* name : {"SERVICE_CODE", "NAMESPACE"}) {
    std::string value = aws_helper::detail::lower(aws_helper::detail::trim(get_env_or(name, "")));
    if (!value.empty()) return value;
  }
  throw http::CoreApiError("SERVICE_CODE is not set: this service cannot say who it is");
}

Json fetch() {
  std::string path =
      std::string(kPath) + "?service=" + aws_helper::detail::uri_encode(service_code());
  Json body = http::get_from_core(path, kTimeout, true);
  if (!body.is_object()) throw http::CoreApiError("core's settings reply is not an object");
  auto it = body.find("settings");
  if (it == body.end() || it->is_null()) return Json::object();
  if (!it->is_object()) throw http::CoreApiError("core's 'settings' is not an object");
  return *it;
}

}  // namespace

void declare(const std::vector<Setting>& declared_settings) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.declared.clear();
  for (const auto& setting : declared_settings) {
    if (!setting.code.empty()) s.declared.push_back(setting);
  }
}

std::vector<Setting> declared() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  return s.declared;
}

Json declared_json() {
  Json out = Json::array();
  for (const auto& setting : declared()) {
    out.push_back({{"code", setting.code},
                   {"type", setting.type},
                   {"default", setting.default_value},
                   {"label", setting.label}});
  }
  return out;
}

Json all() {
  auto& s = state();
  {
    std::lock_guard lock(s.mutex);
    if (s.values) return *s.values;
  }
  std::lock_guard fetching(s.fetch);
  {
    std::lock_guard lock(s.mutex);
    if (s.values) return *s.values;
    auto now = std::chrono::steady_clock::now();
    if (s.last_try && now - *s.last_try < kRetryFloor) return defaults_locked(s);
    s.last_try = now;
  }
  Json fetched;
  try {
    fetched = fetch();
  } catch (const std::exception& error) {
    logger().warn("Could not read settings from core, using declared defaults: {}", error.what());
    std::lock_guard lock(s.mutex);
    return defaults_locked(s);
  }
  std::lock_guard lock(s.mutex);
  Json values = defaults_locked(s);
  for (const auto& [code, value] : fetched.items()) values[code] = value;
  s.values = values;
  return values;
}

Json get(const std::string& code, const Json& fallback) {
  Json values = all();
  auto it = values.find(code);
  if (it != values.end() && !it->is_null()) return *it;
  auto& s = state();
  std::lock_guard lock(s.mutex);
  for (const auto& setting : s.declared) {
    if (setting.code == code) return setting.default_value;
  }
  return fallback;
}

void reset() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.values.reset();
  s.last_try.reset();
}

namespace detail {

void backdate_last_try(std::chrono::seconds by) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (s.last_try) *s.last_try -= by;
}

}  // namespace detail

}  // namespace aws_helper::settings
