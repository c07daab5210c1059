// Token authentication and the AUTHORIZATION modes of the seed.
//
//   AUTHORIZATION=user   a Bearer token is required (looked up in <AUTH_DB_NAME>.tokens/users;
//                        AUTH_DB_NAME defaults to core, as in Python 1.1 and later)
//   AUTHORIZATION=state  the `constitution-state` header is required (checked in core.states)
//   AUTHORIZATION=full   both
//   unset, empty, none   neither
//   anything else        a ConfigurationError at start (fail closed: a typo never means "off")
//
// AUTH_BYPASS_TOKEN, when set, is accepted as a token without a database lookup (compared in
// constant time) and authenticates the seed's "Bypass User" admin.
#pragma once

#include <optional>
#include <string_view>

#include <aws_helper/json.hpp>

namespace aws_helper {

enum class AuthMode { none, user, state, full };

// AUTHORIZATION, case-insensitive, surrounding blanks ignored: "user", "state", "full"; unset,
// empty or "none" is none; any other value is a ConfigurationError naming the variable.
[[nodiscard]] AuthMode auth_mode_from_env();
[[nodiscard]] constexpr bool requires_user(AuthMode mode) noexcept {
  return mode == AuthMode::user || mode == AuthMode::full;
}
[[nodiscard]] constexpr bool requires_state(AuthMode mode) noexcept {
  return mode == AuthMode::state || mode == AuthMode::full;
}

class TokenValidator {
 public:
  // {"user_id", "user" (no password fields), "token_data", "is_bypass"} for a valid token.
  // UnauthorizedError: unknown or revoked token, expired, user missing or inactive.
  // MongoError: the database failed.
  // Updates the token's last_used_at (best effort).
  [[nodiscard]] static Json validate_token(std::string_view token);

  // The token of an `Authorization: Bearer <token>` header value; UnauthorizedError naming
  // what is wrong (missing header, other scheme, empty token).
  [[nodiscard]] static std::string token_from_header(const std::optional<std::string>& header);
};

}  // namespace aws_helper
