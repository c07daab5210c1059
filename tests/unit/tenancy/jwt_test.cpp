// JwtValidator without a database: tokens signed in the test with keys made by OpenSSL, the key
// pinned in JWT_PUBLIC_KEY or served by a local core stub at /jwks. Each refusal the issue
// names has its test: alg none, HS256 with the public key as secret, a wrong kid, expired, not
// yet valid.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/jwt.hpp>

#include "support/core_stub.hpp"
#include "support/jwt_signer.hpp"

namespace aws_helper {
namespace {

using testing::base64url;
using testing::core_claims;
using testing::CoreStub;
using testing::RsaKey;
using testing::unix_now;

// One key pair for the whole binary: RSA generation is the slow part.
const RsaKey& key() {
  static const RsaKey instance;
  return instance;
}
const RsaKey& other_key() {
  static const RsaKey instance;
  return instance;
}

std::string refusal_of(const std::string& token) {
  try {
    static_cast<void>(JwtValidator::validate_token(token));
  } catch (const UnauthorizedError& error) {
    return error.what();
  }
  return "accepted";
}

class JwtPinnedKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("JWT_PUBLIC_KEY", key().public_pem().c_str(), 1);
    ::unsetenv("JWT_ISSUER");
    ::unsetenv("JWT_AUDIENCE");
    ::unsetenv("CORE_API_URL");
    ::unsetenv("AUTH_BYPASS_TOKEN");
  }
  void TearDown() override {
    ::unsetenv("JWT_PUBLIC_KEY");
    ::unsetenv("JWT_ISSUER");
    ::unsetenv("JWT_AUDIENCE");
    ::unsetenv("AUTH_BYPASS_TOKEN");
  }
};

TEST_F(JwtPinnedKeyTest, AValidTokenGivesTheUserPythonBuildsFromTheClaims) {
  Json claims = core_claims();
  claims["extra"] = {{"department", "tax"}, {"password", "never"}};
  Json auth = JwtValidator::validate_token(key().sign({{"typ", "JWT"}}, claims));
  EXPECT_EQ(auth["user_id"], "65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(auth["is_bypass"], false);
  EXPECT_EQ(auth["user"], (Json{{"_id", "65f1a2b3c4d5e6f7a8b9c0d1"},
                                {"email", "ana@example.com"},
                                {"name", "Ana"},
                                {"role", "editor"},
                                {"department", "tax"}}));
  EXPECT_EQ(auth["token_data"]["iss"], "constitution-core");
  // Defaults when the claims are thin: name "", role "user", email null; a numeric sub.
  Json thin = {{"iss", "constitution-core"}, {"sub", 42}, {"exp", unix_now() + 60}};
  Json user = JwtValidator::validate_token(key().sign({}, thin));
  EXPECT_EQ(user["user_id"], "42");
  EXPECT_EQ(user["user"], (Json{{"_id", 42}, {"email", nullptr}, {"name", ""}, {"role", "user"}}));
}

TEST_F(JwtPinnedKeyTest, ThePinnedKeyMayBeBase64OfThePem) {
  ::setenv("JWT_PUBLIC_KEY", base64_encode(key().public_pem()).c_str(), 1);
  EXPECT_NO_THROW(static_cast<void>(JwtValidator::validate_token(key().sign({}, core_claims()))));
  EXPECT_NO_THROW(JwtValidator::check_configuration());
}

TEST_F(JwtPinnedKeyTest, OnlyRs256IsAccepted) {
  const Json claims = core_claims();
  // alg none, with and without a signature.
  std::string unsigned_part =
      base64url(Json{{"alg", "none"}}.dump()) + "." + base64url(claims.dump());
  EXPECT_EQ(refusal_of(unsigned_part + "."), "Invalid token");
  EXPECT_EQ(refusal_of(unsigned_part + ".c2ln"), "Invalid token");
  // HS256 keyed with the public key: the classic confusion attack.
  EXPECT_EQ(refusal_of(testing::sign_hs256(key().public_pem(), claims)), "Invalid token");
  // A real RS256 signature under a header that says RS512, or "rs256".
  EXPECT_EQ(refusal_of(key().sign({{"alg", "RS512"}}, claims)), "Invalid token");
  EXPECT_EQ(refusal_of(key().sign({{"alg", "rs256"}}, claims)), "Invalid token");
  EXPECT_EQ(refusal_of(key().sign({{"crit", {"exp"}}}, claims)), "Invalid token");
  // Signed by another key.
  EXPECT_EQ(refusal_of(other_key().sign({}, claims)), "Invalid token");
  // A signature of the right key over other claims.
  std::string good = key().sign({}, claims);
  Json admin = claims;
  admin["role"] = "admin";
  std::string forged =
      good.substr(0, good.find('.')) + "." + base64url(admin.dump()) + good.substr(good.rfind('.'));
  EXPECT_EQ(refusal_of(forged), "Invalid token");
}

TEST_F(JwtPinnedKeyTest, ExpiryAndNotBeforeHaveThirtySecondsOfLeeway) {
  Json claims = core_claims();
  claims["exp"] = unix_now() - 120;
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Token has expired");
  claims["exp"] = unix_now() - 5;  // within the leeway
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");
  claims.erase("exp");  // a token that never expires is refused
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["exp"] = "tomorrow";
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["exp"] = unix_now() + 3600;
  claims["nbf"] = unix_now() + 600;
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["nbf"] = unix_now() + 10;
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");
}

TEST_F(JwtPinnedKeyTest, IssuerAudienceAndSubjectAreChecked) {
  Json claims = core_claims();
  claims["iss"] = "someone-else";
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  ::setenv("JWT_ISSUER", "someone-else", 1);
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");
  ::unsetenv("JWT_ISSUER");
  claims = core_claims();
  claims.erase("iss");
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");

  claims = core_claims();
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");  // aud unchecked when unset
  ::setenv("JWT_AUDIENCE", "deliveries", 1);
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["aud"] = "billing";
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["aud"] = {"billing", "deliveries"};
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");
  claims["aud"] = "deliveries";
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "accepted");

  claims.erase("sub");
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
  claims["sub"] = "";
  EXPECT_EQ(refusal_of(key().sign({}, claims)), "Invalid token");
}

TEST_F(JwtPinnedKeyTest, MalformedTokensAreInvalidNotErrors) {
  std::string good = key().sign({}, core_claims());
  for (const std::string& token :
       {std::string(), std::string("abc"), std::string("a.b"), good + ".x",
        std::string("!!!.e30.c2ln"), base64url("not json") + ".e30.c2ln",
        base64url("[1]") + ".e30.c2ln", good.substr(0, good.rfind('.')) + ".",
        good.substr(0, good.rfind('.') + 1) + "***", std::string(20000, 'a') + "." + good}) {
    EXPECT_EQ(refusal_of(token), "Invalid token") << token.substr(0, 80);
  }
}

TEST_F(JwtPinnedKeyTest, TheBypassTokenIsStillHonoured) {
  ::setenv("AUTH_BYPASS_TOKEN", "bypass-secret", 1);
  Json auth = JwtValidator::validate_token("bypass-secret");
  EXPECT_EQ(auth["is_bypass"], true);
  EXPECT_EQ(auth["user"]["name"], "Bypass User");
  EXPECT_EQ(refusal_of("bypass-secreT"), "Invalid token");
}

TEST_F(JwtPinnedKeyTest, AnUnreadablePinnedKeyIsAConfigurationError) {
  ::setenv("JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", 1);
  EXPECT_THROW(JwtValidator::check_configuration(), ConfigurationError);
  EXPECT_THROW(static_cast<void>(JwtValidator::validate_token(key().sign({}, core_claims()))),
               ConfigurationError);
  ::setenv("JWT_PUBLIC_KEY", "not base64 at all!", 1);
  EXPECT_THROW(JwtValidator::check_configuration(), ConfigurationError);
  ::unsetenv("JWT_PUBLIC_KEY");
  EXPECT_THROW(JwtValidator::check_configuration(), ConfigurationError);  // nor CORE_API_URL
}

class JwtCoreKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JwtValidator::forget_keys();
    ::unsetenv("JWT_PUBLIC_KEY");
    ::setenv("CORE_API_URL", core.url().c_str(), 1);
    publish({key().jwk("k1"), other_key().jwk("k2")});
  }
  void TearDown() override {
    ::unsetenv("CORE_API_URL");
    JwtValidator::forget_keys();
  }
  void publish(const Json& keys) {
    core.reply("/jwks", Json{{"keys", keys.is_array() ? keys : Json::array({keys})}}.dump());
  }
  CoreStub core;
};

TEST_F(JwtCoreKeysTest, KeysComeFromCoreByKidOncePerContainer) {
  EXPECT_NO_THROW(JwtValidator::check_configuration());
  EXPECT_EQ(refusal_of(other_key().sign({{"kid", "k2"}}, core_claims())), "accepted");
  EXPECT_EQ(refusal_of(key().sign({{"kid", "k1"}}, core_claims())), "accepted");
  EXPECT_EQ(core.calls("/jwks"), 1);
  // The right key under the wrong kid.
  EXPECT_EQ(refusal_of(key().sign({{"kid", "k2"}}, core_claims())), "Invalid token");
  // An unknown kid asks core again at most once a minute: not within the floor.
  EXPECT_EQ(refusal_of(key().sign({{"kid", "k9"}}, core_claims())), "Invalid token");
  EXPECT_EQ(core.calls("/jwks"), 1);
  // Without a kid, two published keys are no answer.
  EXPECT_EQ(refusal_of(key().sign({}, core_claims())), "Invalid token");
}

TEST_F(JwtCoreKeysTest, ARotatedKeyIsFetchedAndASingleKeyServesTokensWithoutKid) {
  publish({key().jwk("new")});
  EXPECT_EQ(refusal_of(key().sign({{"kid", "new"}}, core_claims())), "accepted");
  EXPECT_EQ(refusal_of(key().sign({}, core_claims())), "accepted");
  EXPECT_EQ(core.calls("/jwks"), 1);
  // The signing-key request carries no token: /jwks is public in core.
  for (const auto& seen : core.seen()) EXPECT_EQ(seen.authorization, "");
}

TEST_F(JwtCoreKeysTest, UnusableKeysAreSkippedAndACoreWithoutKeysIsA503) {
  Json weak = RsaKey(1024).jwk("weak");
  Json ec = {{"kty", "EC"}, {"kid", "ec"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}};
  Json for_encryption = key().jwk("enc");
  for_encryption["use"] = "enc";
  publish({weak, ec, for_encryption, {{"kty", "RSA"}}, 7});
  try {
    static_cast<void>(JwtValidator::validate_token(key().sign({{"kid", "enc"}}, core_claims())));
    FAIL() << "accepted";
  } catch (const SigningKeysUnavailableError& error) {
    EXPECT_EQ(error.http_status(), 503);
  }
  JwtValidator::forget_keys();
  publish({weak, key().jwk("good")});
  EXPECT_EQ(refusal_of(key().sign({{"kid", "good"}}, core_claims())), "accepted");
}

TEST_F(JwtCoreKeysTest, ACoreThatIsDownIsA503) {
  ::setenv("CORE_API_URL", "http://127.0.0.1:1", 1);
  EXPECT_THROW(static_cast<void>(JwtValidator::validate_token(key().sign({}, core_claims()))),
               SigningKeysUnavailableError);
  ::setenv("CORE_API_URL", core.url().c_str(), 1);
  core.reply("/jwks", "{}", 500);
  JwtValidator::forget_keys();
  EXPECT_THROW(static_cast<void>(JwtValidator::validate_token(key().sign({}, core_claims()))),
               SigningKeysUnavailableError);
}

}  // namespace
}  // namespace aws_helper
