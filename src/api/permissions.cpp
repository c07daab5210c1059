#include <algorithm>
#include <cctype>

#include <aws_helper/api.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/permissions.hpp>

#include "core/text.hpp"

namespace aws_helper::permissions {
namespace {

std::string method_of(std::string_view action) {
  return action == "list" || action == "get" ? "GET" : detail::upper(action);
}

std::string path_of(const ApiEntry& entry) {
  std::string path = "/" + std::string(entry.folders);
  if (entry.action == "get") path = (path == "/" ? "" : path) + "/{id}";
  return path;
}

}  // namespace

std::string service_code() {
  for (const char* name : {"SERVICE_CODE", "NAMESPACE"}) {
    if (auto value = std::string(detail::trim(get_env_or(name, ""))); !value.empty()) return value;
  }
  return "service";
}

std::string service_wildcard(std::string_view service) {
  return std::string(service) + ":*";
}

std::string required_for(std::string_view service, const ApiEntry& entry) {
  return std::string(service) + ":" + method_of(entry.action) + " " + path_of(entry);
}

bool allows(const std::vector<std::string>& granted, std::string_view required) {
  if (required.empty()) return false;
  auto holds = [&granted](std::string_view code) {
    return std::find(granted.begin(), granted.end(), code) != granted.end();
  };
  const auto colon = required.find(':');
  return holds(kAll) || holds(required) ||
         (colon != std::string_view::npos && holds(service_wildcard(required.substr(0, colon))));
}

std::string readable_name(std::string_view class_name) {
  std::string_view name = class_name;
  for (std::string_view suffix : {"API", "Api"}) {
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      name.remove_suffix(suffix.size());
      break;
    }
  }
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const auto previous = i == 0 ? 0 : static_cast<unsigned char>(name[i - 1]);
    if (i > 0 && std::isupper(c) != 0 &&
        (std::islower(previous) != 0 || std::isdigit(previous) != 0)) {
      out += ' ';
    }
    out += name[i];
  }
  return out;
}

Json catalog(std::span<const ApiEntry> apis, std::string_view service) {
  Json found = Json::array();
  for (const ApiEntry& entry : apis) {
    if (entry.make().get()->authorization() == AuthMode::none) continue;  // public
    found.push_back({{"code", required_for(service, entry)},
                     {"service", service},
                     {"method", method_of(entry.action)},
                     {"path", path_of(entry)},
                     {"scope", entry.action == "get" ? "item" : "collection"},
                     {"name", readable_name(entry.class_name)}});
  }
  std::sort(found.begin(), found.end(),
            [](const Json& a, const Json& b) { return a["code"] < b["code"]; });
  return found;
}

std::vector<std::string> granted_in(const std::optional<Json>& user, std::string_view field) {
  std::vector<std::string> granted;
  if (!user || !user->is_object()) return granted;
  auto it = user->find(std::string(field));
  if (it == user->end() || !it->is_array()) return granted;
  for (const auto& code : *it) {
    if (code.is_string()) granted.push_back(code.get<std::string>());
  }
  return granted;
}

}  // namespace aws_helper::permissions
