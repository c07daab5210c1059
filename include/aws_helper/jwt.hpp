// Stateless authentication with core's RS256 JSON Web Tokens (AUTH_STRATEGY=jwt), as Python
// 1.1 and 1.14:
//
//   JWT_PUBLIC_KEY   the RSA public key, PEM or base64 of a PEM: pinned, core is not asked
//   CORE_API_URL     else the keys come from GET {CORE_API_URL}/jwks, chosen by the token's
//                    `kid` (a token without one only when core publishes a single key); read
//                    once per container, asked again for an unknown kid at most every 60 s,
//                    5 s timeout
//   JWT_ISSUER       the `iss` required (default "constitution-core")
//   JWT_AUDIENCE     when set, `aud` must be or contain it
//
// Only `alg: RS256` is accepted (never none, HS256 or another family, whatever key is
// configured); `exp` is required and `exp`/`nbf` are checked with 30 s of leeway; `sub` must be
// present. AUTH_BYPASS_TOKEN is honoured as TokenValidator does. The user is built from the
// claims as Python does: {_id: sub, email, name (""), role ("user"), ...extra}.
#pragma once

#include <chrono>
#include <string_view>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

// The signing keys could not be read from core (down, an error, nothing usable published).
// HTTP 503: the caller's token may be fine; this service cannot check it now.
class SigningKeysUnavailableError : public Error {
 public:
  explicit SigningKeysUnavailableError(const std::string& message)
      : Error("SigningKeysUnavailableError", message, 503) {}
};

class JwtValidator {
 public:
  static constexpr std::chrono::seconds kLeeway{30};
  static constexpr std::chrono::seconds kRefetchFloor{60};

  // {"user_id", "user", "token_data" (the claims), "is_bypass"} for a valid token.
  // UnauthorizedError "Token has expired" or "Invalid token" (the reason is logged);
  // SigningKeysUnavailableError; ConfigurationError for an unreadable JWT_PUBLIC_KEY.
  [[nodiscard]] static Json validate_token(std::string_view token);

  // At start: a ConfigurationError when neither JWT_PUBLIC_KEY nor CORE_API_URL is set, or the
  // pinned key is not an RSA public key in PEM.
  static void check_configuration();

  // Forgets the keys read from core (tests).
  static void forget_keys();
};

}  // namespace aws_helper
