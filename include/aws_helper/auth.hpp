// Token authentication and the AUTHORIZATION modes of the Python framework (1.0.2 and 1.3).
//
//   AUTHORIZATION=user        a Bearer token is required
//   AUTHORIZATION=state       the state header is required (checked in core.states)
//   AUTHORIZATION=full        both
//   AUTHORIZATION=permission  a token, then the endpoint's permission among the caller's
//                             granted ones (aws_helper/permissions.hpp)
//   unset, empty, none        neither
//   anything else             a ConfigurationError at start (fail closed: a typo never means
//                             "off")
//
//   AUTH_STRATEGY=db (default)  tokens are looked up in <AUTH_DB_NAME>.tokens/users
//                               (AUTH_DB_NAME defaults to core, as in Python 1.1)
//   AUTH_STRATEGY=jwt           RS256 JWTs checked without a database (aws_helper/jwt.hpp)
//   REQUIRES_STATE=1/true/yes   the state header is required whatever the mode (except on
//                               endpoints whose authorization() is none)
//   STATE_HEADER                the state header's name (default constitution-state)
// Unknown values of AUTH_STRATEGY and REQUIRES_STATE are ConfigurationErrors at start too.
//
// AUTH_BYPASS_TOKEN, when set, is accepted as a token without a database lookup (compared in
// constant time) and authenticates the seed's "Bypass User" admin.
#pragma once

#include <optional>
#include <string_view>

#include <aws_helper/json.hpp>

namespace aws_helper {

enum class AuthMode { none, user, state, full, permission };

// AUTHORIZATION, case-insensitive, surrounding blanks ignored: "user", "state", "full",
// "permission"; unset, empty or "none" is none; any other value is a ConfigurationError naming
// the variable.
[[nodiscard]] AuthMode auth_mode_from_env();
[[nodiscard]] constexpr bool requires_user(AuthMode mode) noexcept {
  return mode == AuthMode::user || mode == AuthMode::full || mode == AuthMode::permission;
}
[[nodiscard]] constexpr bool requires_state(AuthMode mode) noexcept {
  return mode == AuthMode::state || mode == AuthMode::full;
}

enum class AuthStrategy { db, jwt };

// AUTH_STRATEGY: unset, empty or "db" is db; "jwt"; anything else a ConfigurationError.
[[nodiscard]] AuthStrategy auth_strategy_from_env();

// REQUIRES_STATE: 1/true/yes is true; unset, empty, 0/false/no false; anything else a
// ConfigurationError.
[[nodiscard]] bool requires_state_from_env();

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
