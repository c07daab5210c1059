// JWT validation (AUTH_STRATEGY=jwt) on untrusted tokens: the three Base64url segments, the
// header's alg/kid, the claims' types and times, the RS256 signature with OpenSSL. The key is
// pinned (JWT_PUBLIC_KEY) to the test key below, whose private half signed the corpus' valid
// tokens (tests/fuzz/corpus/jwt: valid, expired, not yet valid, wrong issuer, no sub, no or
// textual exp, another kid, alg none, HS256 keyed with the public key, malformed segments).
// Invariants: a token is either accepted with core's issuer, a user without secrets and no
// bypass flag, or refused with one of the two fixed messages, never anything else.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <aws_helper/error.hpp>
#include <aws_helper/jwt.hpp>

#include "fuzz_support.hpp"

namespace {

// A test key (never used anywhere else); its private half signed the corpus.
constexpr const char* kPublicKey = R"(
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1ibgBA5ZJWq9HY0yQOoy
VtjQAht9YMNaniEy75ETBwT0t49OuA+UaaocqgYDXNRBe79qfBGWBi0+aWcTP8e0
/KW3dJcZE1U7X6pHzXENZdM3Iu/ls+3ZwhF7Iu9XmEUm/DcqXtgZq6h2TOPQCMWW
wogi3/lATwE5WItHGA7i9Wh4cLxrYw/5O23lPxNLnPgg3d/nvqDsB7kA+zDpg4ML
hpOGn+8/zMvwXXc4BVi+8yinnMIOoa9DhHe904cDC6OrI0dLkzHc5tKkmeNShepI
/zOAgQBh72jGXCz8FR9iDEPckUqH6uj4j0H9HgVgEwbsxxCUJbsTm8ts5fBv6tZc
YQIDAQAB
-----END PUBLIC KEY-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  static const bool configured = [] {
    for (const char* name : {"CORE_API_URL", "JWT_ISSUER", "JWT_AUDIENCE", "AUTH_BYPASS_TOKEN"})
      unsetenv(name);
    setenv("JWT_PUBLIC_KEY", kPublicKey, 1);
    return true;
  }();
  static_cast<void>(configured);
  std::string token(fuzz::text_of(data, size));
  try {
    Json accepted = JwtValidator::validate_token(token);
    FUZZ_CHECK(accepted["token_data"].value("iss", "") == "constitution-core");
    FUZZ_CHECK(accepted["is_bypass"] == false);
    FUZZ_CHECK(!accepted["user"].contains("password"));
    FUZZ_CHECK(!accepted["user"].contains("hashed_password"));
    FUZZ_CHECK(accepted["user"].contains("_id"));
  } catch (const UnauthorizedError& error) {
    std::string message = error.what();
    FUZZ_CHECK(message == "Token has expired" || message == "Invalid token");
  }
  return 0;
}
