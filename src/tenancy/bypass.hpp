// AUTH_BYPASS_TOKEN, shared by the token strategies (private to the framework).
#pragma once

#include <optional>
#include <string_view>

#include <aws_helper/json.hpp>

namespace aws_helper::detail {

// The Python framework's "Bypass User" admin when `token` is AUTH_BYPASS_TOKEN (compared in
// constant time); nullopt otherwise or when the variable is unset.
[[nodiscard]] std::optional<Json> bypass_identity(std::string_view token);

}  // namespace aws_helper::detail
