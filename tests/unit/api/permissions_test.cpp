// Permission codes as Python's catalog names them (src/api/permissions.cpp), and the
// dispatcher's AUTHORIZATION=permission, AUTH_STRATEGY=jwt, REQUIRES_STATE and STATE_HEADER,
// without a database: callers carry JWTs signed in the test, states come from a stub lookup.
#include <cstdlib>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>
#include <aws_helper/jwt.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/state_validator.hpp>

#include "support/jwt_signer.hpp"

namespace aws_helper {
namespace {

using testing::core_claims;
using testing::RsaKey;

// The caller's permissions from a claim, as a service might (its roles, its own collection...).
class GuardedAPI : public API {
 public:
  std::optional<std::vector<std::string>> granted_permissions() override {
    std::vector<std::string> granted;
    for (const auto& code : current_user()->value("permissions", Json::array())) {
      granted.push_back(code.get<std::string>());
    }
    return granted;
  }
  void process() override {
    set_body({{"user", current_user() ? current_user()->value("_id", Json()) : Json()},
              {"state", get_session().state().value_or("")}});
  }
};

class UnguardedAPI : public API {  // no granted_permissions(): a closed door
 public:
  void process() override { set_body({{"ok", true}}); }
};

class PublicAPI : public API {
 public:
  [[nodiscard]] std::optional<AuthMode> authorization() const override { return AuthMode::none; }
  void process() override { set_body({{"public", true}}); }
};

template <class T>
std::unique_ptr<API> make() {
  return std::make_unique<T>();
}

const ApiEntry kApis[] = {
    {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make<GuardedAPI>},
    {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", &make<GuardedAPI>},
    {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", &make<GuardedAPI>},
    {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", &make<GuardedAPI>},
    {"", "get", "RootGetAPI", "src/api/get.cpp", &make<GuardedAPI>},
    {"reports", "post", "ReportsPostAPI", "src/api/reports/post.cpp", &make<UnguardedAPI>},
    {"auth/login", "post", "AuthLoginPostAPI", "src/api/auth/login/post.cpp", &make<PublicAPI>},
};

TEST(PermissionsTest, CodesAreNamedAsPythonsCatalogNamesThem) {
  EXPECT_EQ(permissions::required_for("deliveries", kApis[0]), "deliveries:GET /users");
  EXPECT_EQ(permissions::required_for("deliveries", kApis[1]), "deliveries:GET /users/{id}");
  EXPECT_EQ(permissions::required_for("deliveries", kApis[2]), "deliveries:PUT /users");
  EXPECT_EQ(permissions::required_for("deliveries", kApis[3]), "deliveries:GET /users/posts");
  EXPECT_EQ(permissions::required_for("deliveries", kApis[4]), "deliveries:GET /{id}");
  EXPECT_EQ(permissions::readable_name("UsersPostsListAPI"), "Users Posts List");
  EXPECT_EQ(permissions::readable_name("V2ReportsApi"), "V2 Reports");
  EXPECT_EQ(permissions::readable_name("API"), "API");
}

TEST(PermissionsTest, AllServiceWildcardOrTheExactCode) {
  using permissions::allows;
  EXPECT_TRUE(allows({"deliveries:GET /users"}, "deliveries:GET /users"));
  EXPECT_FALSE(allows({"deliveries:GET /users"}, "deliveries:GET /users/{id}"));
  EXPECT_TRUE(allows({"deliveries:*"}, "deliveries:PUT /users"));
  EXPECT_FALSE(allows({"billing:*"}, "deliveries:PUT /users"));
  EXPECT_TRUE(allows({"*"}, "deliveries:PUT /users"));
  EXPECT_FALSE(allows({"*"}, ""));
  EXPECT_FALSE(allows({}, "deliveries:GET /users"));
}

TEST(PermissionsTest, ServiceCodeIsServiceCodeElseNamespaceElseService) {
  ::unsetenv("SERVICE_CODE");
  ::unsetenv("NAMESPACE");
  EXPECT_EQ(permissions::service_code(), "service");
  ::setenv("NAMESPACE", "ns", 1);
  EXPECT_EQ(permissions::service_code(), "ns");
  ::setenv("SERVICE_CODE", "", 1);  // empty is unset, as Python's `or`
  EXPECT_EQ(permissions::service_code(), "ns");
  ::setenv("SERVICE_CODE", "deliveries", 1);
  EXPECT_EQ(permissions::service_code(), "deliveries");
  ::unsetenv("SERVICE_CODE");
  ::unsetenv("NAMESPACE");
}

TEST(PermissionsTest, TheCatalogListsEveryNonPublicEndpointSortedByCode) {
  Json catalog = permissions::catalog(kApis, "deliveries");
  ASSERT_EQ(catalog.size(), 6U);  // the login is public
  EXPECT_EQ(catalog[0], (Json{{"code", "deliveries:GET /users"},
                              {"service", "deliveries"},
                              {"method", "GET"},
                              {"path", "/users"},
                              {"scope", "collection"},
                              {"name", "Users List"}}));
  std::vector<std::string> codes;
  for (const auto& item : catalog) codes.push_back(item["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"deliveries:GET /users", "deliveries:GET /users/posts",
                                             "deliveries:GET /users/{id}", "deliveries:GET /{id}",
                                             "deliveries:POST /reports", "deliveries:PUT /users"}));
  EXPECT_EQ(catalog[2]["scope"], "item");
}

const RsaKey& key() {
  static const RsaKey instance;
  return instance;
}

class AuthModesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clear();
    ::setenv("AUTH_STRATEGY", "jwt", 1);
    ::setenv("JWT_PUBLIC_KEY", key().public_pem().c_str(), 1);
    ::setenv("SERVICE_CODE", "deliveries", 1);
    StateValidator::set_lookup([](const std::string& state) { return state == "ohio"; });
  }
  void TearDown() override {
    clear();
    StateValidator::set_lookup(nullptr);
  }
  static void clear() {
    for (const char* name : {"AUTHORIZATION", "AUTH_STRATEGY", "JWT_PUBLIC_KEY", "SERVICE_CODE",
                             "REQUIRES_STATE", "STATE_HEADER", "CORE_API_URL"}) {
      ::unsetenv(name);
    }
  }
  static std::string token_with(const Json& granted) {
    Json claims = core_claims("u-1");
    claims["extra"] = {{"permissions", granted}};
    return "Bearer " + key().sign({}, claims);
  }
  static Json call(const ApiDispatcher& dispatcher, const std::string& method,
                   const std::string& path, const Json& headers = Json::object()) {
    Json event = {{"version", "2.0"},
                  {"rawPath", path},
                  {"headers", headers},
                  {"requestContext", {{"http", {{"method", method}}}}}};
    return dispatcher.handle(event, runtime::InvocationContext{});
  }
  static Json body(const Json& reply) { return Json::parse(reply["body"].get<std::string>()); }
};

TEST_F(AuthModesTest, PermissionModeChecksTheEndpointsCodeAgainstTheCallersGrants) {
  ::setenv("AUTHORIZATION", "permission", 1);
  ApiDispatcher dispatcher{kApis};
  EXPECT_EQ(call(dispatcher, "GET", "/users")["statusCode"], 401);  // a token first

  const Json reader = {{"authorization", token_with({"deliveries:GET /users"})}};
  Json reply = call(dispatcher, "GET", "/users", reader);
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(body(reply)["user"], "u-1");
  reply = call(dispatcher, "GET", "/users/7", reader);
  EXPECT_EQ(reply["statusCode"], 403);
  EXPECT_EQ(body(reply)["message"], "Te falta el permiso 'deliveries:GET /users/{id}'");
  EXPECT_EQ(call(dispatcher, "PUT", "/users/7", reader)["statusCode"], 403);

  const Json owner = {{"authorization", token_with({"deliveries:*"})}};
  EXPECT_EQ(call(dispatcher, "PUT", "/users/7", owner)["statusCode"], 200);
  EXPECT_EQ(call(dispatcher, "GET", "/users/7/posts", owner)["statusCode"], 200);
  const Json other = {{"authorization", token_with({"billing:*"})}};
  EXPECT_EQ(call(dispatcher, "GET", "/users", other)["statusCode"], 403);

  // An endpoint that does not say what its callers hold is closed, even to "*".
  reply = call(dispatcher, "POST", "/reports", {{"authorization", token_with({"*"})}});
  EXPECT_EQ(reply["statusCode"], 403);
  EXPECT_EQ(body(reply)["message"], "Permission checking is not configured for this endpoint");
  // A public endpoint needs nothing.
  EXPECT_EQ(call(dispatcher, "POST", "/auth/login")["statusCode"], 200);
}

TEST_F(AuthModesTest, JwtStrategyRefusalsAre401s) {
  ::setenv("AUTHORIZATION", "user", 1);
  ApiDispatcher dispatcher{kApis};
  Json claims = core_claims();
  claims["exp"] = testing::unix_now() - 3600;
  Json reply =
      call(dispatcher, "GET", "/users", {{"authorization", "Bearer " + key().sign({}, claims)}});
  EXPECT_EQ(reply["statusCode"], 401);
  EXPECT_EQ(body(reply)["message"], "Token has expired");
  reply = call(dispatcher, "GET", "/users", {{"authorization", "Bearer not.a.jwt"}});
  EXPECT_EQ(body(reply)["message"], "Invalid token");
}

TEST_F(AuthModesTest, RequiresStateAsksForTheHeaderWhateverTheMode) {
  ::setenv("REQUIRES_STATE", "yes", 1);
  ::setenv("AUTHORIZATION", "permission", 1);
  ApiDispatcher dispatcher{kApis};
  const std::string token = token_with({"*"});
  Json reply = call(dispatcher, "GET", "/users", {{"authorization", token}});
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body(reply)["message"], "Header 'constitution-state' is required");
  reply =
      call(dispatcher, "GET", "/users", {{"authorization", token}, {"Constitution-State", "ohio"}});
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(body(reply)["state"], "ohio");
  reply =
      call(dispatcher, "GET", "/users", {{"authorization", token}, {"constitution-state", "x"}});
  EXPECT_EQ(reply["statusCode"], 403);
  EXPECT_EQ(call(dispatcher, "POST", "/auth/login")["statusCode"], 200);  // public: no state

  ::unsetenv("AUTHORIZATION");  // none, and still the state
  ApiDispatcher open{kApis};
  EXPECT_EQ(call(open, "GET", "/users")["statusCode"], 400);
}

TEST_F(AuthModesTest, StateHeaderRenamesTheHeaderAndCorsFollows) {
  ::setenv("STATE_HEADER", "x-tenant", 1);
  ::setenv("AUTHORIZATION", "state", 1);
  ApiDispatcher dispatcher{kApis};
  Json reply = call(dispatcher, "POST", "/reports", {{"constitution-state", "ohio"}});
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body(reply)["message"], "Header 'x-tenant' is required");
  EXPECT_EQ(reply["headers"]["Access-Control-Allow-Headers"],
            "Content-Type,Authorization,Idempotency-Key,x-tenant");
  EXPECT_EQ(call(dispatcher, "POST", "/reports", {{"X-Tenant", "ohio"}})["statusCode"], 200);
}

TEST_F(AuthModesTest, UnknownSettingsFailTheStartNeverARequest) {
  auto refused = [](const char* name, const char* value) {
    ::setenv(name, value, 1);
    try {
      ApiDispatcher dispatcher{kApis};
      ADD_FAILURE() << name << "=" << value << " was accepted";
    } catch (const ConfigurationError& error) {
      EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
    }
    ::unsetenv(name);
  };
  refused("AUTH_STRATEGY", "jwks");
  refused("REQUIRES_STATE", "maybe");
  refused("STATE_HEADER", "x tenant");
  refused("STATE_HEADER", "x-tenant\r\nX-Evil");
  ::setenv("AUTH_STRATEGY", "JWT", 1);
  ::unsetenv("JWT_PUBLIC_KEY");  // and no CORE_API_URL: nowhere to learn the key
  EXPECT_THROW(ApiDispatcher{kApis}, ConfigurationError);
  ::setenv("CORE_API_URL", "http://127.0.0.1:1", 1);
  EXPECT_NO_THROW(ApiDispatcher{kApis});  // core is asked at the first token, not at start
}

TEST(PermissionsGrantedInTest, TheStringsOfTheUsersArray) {
  EXPECT_EQ(permissions::granted_in(Json::parse(R"({"permissions": ["a:GET /x", 3, "b:*"]})")),
            (std::vector<std::string>{"a:GET /x", "b:*"}));
  EXPECT_EQ(permissions::granted_in(Json::parse(R"({"grants": ["*"]})"), "grants"),
            std::vector<std::string>{"*"});
  EXPECT_TRUE(permissions::granted_in(std::nullopt).empty());
  EXPECT_TRUE(permissions::granted_in(Json::parse(R"({"permissions": "*"})")).empty());
  EXPECT_TRUE(permissions::granted_in(Json("text")).empty());
}

}  // namespace
}  // namespace aws_helper
