// Permission codes for AUTHORIZATION=permission, named as the Python framework's catalog
// (1.3/1.7) names them, so C++ and Python services register and check the same strings:
//
//   "<service>:<METHOD> <path>"   e.g. "deliveries:GET /users", "deliveries:GET /users/{id}"
//
// <path> is the API's folder under src/api ("/" for the root); `get` (one item) adds "/{id}",
// the other actions do not (so PUT /users/7 needs "deliveries:PUT /users", and
// GET /users/7/posts needs "deliveries:GET /users/posts"). <METHOD> is GET for list and get.
// A caller holding "*" or "<service>:*" holds every permission of the service.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <aws_helper/json.hpp>

namespace aws_helper {

struct ApiEntry;

namespace permissions {

inline constexpr std::string_view kAll = "*";

// SERVICE_CODE, else NAMESPACE, else "service".
[[nodiscard]] std::string service_code();
[[nodiscard]] std::string service_wildcard(std::string_view service);

// The permission an endpoint needs.
[[nodiscard]] std::string required_for(std::string_view service, const ApiEntry& entry);

// Whether the granted permissions cover `required` (an empty `required` is never covered).
[[nodiscard]] bool allows(const std::vector<std::string>& granted, std::string_view required);

// "UsersInviteAPI" -> "Users Invite".
[[nodiscard]] std::string readable_name(std::string_view class_name);

// Every endpoint of the service that is not public (authorization() none), as Python's
// discover(): [{code, service, method, path, scope: "item"|"collection", name}] sorted by code.
[[nodiscard]] Json catalog(std::span<const ApiEntry> apis, std::string_view service);

// The grants a user carries in `field` (a JWT's extra claim, or the user document): every
// string of that array, in order; empty when there is no user or no such array. For
// API::granted_permissions(): `return permissions::granted_in(current_user());`.
[[nodiscard]] std::vector<std::string> granted_in(const std::optional<Json>& user,
                                                  std::string_view field = "permissions");

}  // namespace permissions
}  // namespace aws_helper
