// The API layer without a database: event shapes, routing, replies, CORS, errors.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>
#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/limits.hpp>

namespace aws_helper {
namespace {

Json fixture(const std::string& name) {
  std::ifstream in(std::string(AWS_HELPER_SOURCE_DIR) + "/tests/fixtures/events/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

// ---- event parsing --------------------------------------------------------------------------

TEST(HttpEventTest, RestV1) {
  HttpRequest request = parse_http_event(fixture("rest_v1.json"));
  EXPECT_EQ(request.source, EventSource::rest_v1);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/users/65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(request.headers.get("constitution-state"), "connecticut") << "case-insensitive";
  EXPECT_EQ(request.headers.get_all("x-tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(request.query.get_all("tag"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(request.body, R"({"name": "Ana"})") << "isBase64Encoded is decoded";
  EXPECT_EQ(request.request_id, "77375676-xmpl-4b79-853a-f982474efe18");
  EXPECT_EQ(request.source_ip, "52.255.255.12");
  EXPECT_EQ(request.stage, "prod");
  EXPECT_EQ(request.authorizer["claims"]["email"], "ana@example.com");
  EXPECT_TRUE(request.multi_value_headers);
}

TEST(HttpEventTest, HttpV2StripsTheStageAndKeepsRepeatedQueryKeys) {
  HttpRequest request = parse_http_event(fixture("http_v2.json"));
  EXPECT_EQ(request.source, EventSource::http_v2);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/users/123/posts");
  EXPECT_EQ(request.query.get_all("tag"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(request.query.get("q"), "x y");
  EXPECT_EQ(request.headers.get("Cookie"), "session=abc; theme=dark");
  EXPECT_EQ(request.headers.get("Authorization"), "Bearer t0k3n");
  EXPECT_EQ(request.authorizer["jwt"]["claims"]["sub"], "u-1");
  EXPECT_EQ(request.source_ip, "205.255.255.176");
}

TEST(HttpEventTest, FunctionUrlAndBasePaths) {
  Json event = fixture("function_url.json");
  HttpRequest request = parse_http_event(event);
  EXPECT_EQ(request.source, EventSource::function_url);
  EXPECT_EQ(request.path, "/shippings");
  event["rawPath"] = "/v1/shippings/";
  EXPECT_EQ(parse_http_event(event, {"/api", "/v1"}).path, "/shippings");
  event["rawPath"] = "/v1";
  EXPECT_EQ(parse_http_event(event, {"v1/"}).path, "/");
  event["rawPath"] = "/v10/shippings";
  EXPECT_EQ(parse_http_event(event, {"/v1"}).path, "/v10/shippings") << "whole segments only";
}

TEST(HttpEventTest, AlbDecodesPathAndQueryButNotAnEncodedSlash) {
  HttpRequest request = parse_http_event(fixture("alb.json"));
  EXPECT_EQ(request.source, EventSource::alb);
  EXPECT_EQ(request.path, "/land-records/abc%2Fdef");
  EXPECT_EQ(request.query.get("q"), "caf\xC3\xA9");
  EXPECT_EQ(request.source_ip, "72.12.164.125");
  EXPECT_EQ(request.request_id, "Root=1-5c536348-3d683b8b04734faae651f476");
}

TEST(HttpEventTest, MalformedEventsNameTheProblem) {
  auto message = [](const Json& event) {
    try {
      (void)parse_http_event(event);
    } catch (const ValueError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(Json::array()), "The event must be a JSON object");
  EXPECT_NE(message({{"data", 1}}).find("not an API Gateway"), std::string::npos);
  EXPECT_EQ(message({{"httpMethod", "GET"}, {"path", "/"}, {"headers", "x"}}),
            "'headers' must be an object");
  EXPECT_EQ(message({{"httpMethod", "GET"}, {"path", "/"}, {"headers", {{"a", 1}}}}),
            "'headers.a' must be a string");
  // A header name is user input: named, not echoed whole.
  EXPECT_EQ(
      message(
          {{"httpMethod", "GET"}, {"path", "/"}, {"headers", {{std::string(1 << 20, 'n'), 1}}}}),
      "'headers." + std::string(64, 'n') + "...' must be a string");
  EXPECT_NE(
      message({{"httpMethod", "POST"}, {"path", "/"}, {"body", "%%%"}, {"isBase64Encoded", true}})
          .find("isBase64Encoded"),
      std::string::npos);
  // null members are absent members (API Gateway sends `"headers": null`).
  HttpRequest request = parse_http_event(
      {{"httpMethod", "get"}, {"path", nullptr}, {"headers", nullptr}, {"body", nullptr}});
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/");
}

TEST(HttpReplyTest, ShapeFollowsTheOrigin) {
  HttpResponse response;
  response.status = 201;
  response.headers.add("Content-Type", "application/json");
  response.headers.add("Set-Cookie", "a=1");
  response.headers.add("Set-Cookie", "b=2");
  response.body = "{}";

  HttpRequest v2;
  v2.source = EventSource::http_v2;
  Json reply = format_http_reply(v2, response);
  EXPECT_EQ(reply["statusCode"], 201);
  EXPECT_EQ(reply["cookies"], Json::array({"a=1", "b=2"}));
  EXPECT_FALSE(reply["headers"].contains("Set-Cookie"));
  EXPECT_EQ(reply["isBase64Encoded"], false);

  HttpRequest v1;
  v1.source = EventSource::rest_v1;
  reply = format_http_reply(v1, response);
  EXPECT_EQ(reply["multiValueHeaders"]["Set-Cookie"], Json::array({"a=1", "b=2"}));
  EXPECT_FALSE(reply.contains("cookies"));

  HttpRequest alb;
  alb.source = EventSource::alb;
  reply = format_http_reply(alb, response);
  EXPECT_EQ(reply["statusDescription"], "201 Created");
  EXPECT_TRUE(reply.contains("headers"));
  alb.multi_value_headers = true;
  EXPECT_TRUE(format_http_reply(alb, response).contains("multiValueHeaders"));

  response.body = std::string("\x89PNG\0", 5);
  response.base64 = true;
  reply = format_http_reply(v2, response);
  EXPECT_EQ(reply["isBase64Encoded"], true);
  EXPECT_EQ(base64_decode(reply["body"].get<std::string>()), response.body);
}

// ---- routing --------------------------------------------------------------------------------

class Nothing : public API {
 public:
  void process() override {}
};
std::unique_ptr<API> make_nothing() {
  return std::make_unique<Nothing>();
}

const ApiEntry kRoutes[] = {
    {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
    {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", &make_nothing},
    {"users", "post", "UsersPostAPI", "src/api/users/post.cpp", &make_nothing},
    {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", &make_nothing},
    {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", &make_nothing},
    {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", &make_nothing},
    {"users/posts", "post", "UsersPostsPostAPI", "src/api/users/posts/post.cpp", &make_nothing},
    {"users/me", "list", "UsersMeListAPI", "src/api/users/me/list.cpp", &make_nothing},
    {"auth/login", "post", "AuthLoginPostAPI", "src/api/auth/login/post.cpp", &make_nothing},
    {"categories", "list", "CategoriesListAPI", "src/api/categories/list.cpp", &make_nothing},
};

std::string routed(const Router& router, std::string_view method, std::string_view path) {
  auto match = router.route(method, path);
  if (match.entry == nullptr) return match.path_known ? "405" : "404";
  std::string out(match.entry->class_name);
  for (const auto& [name, value] : match.parameters.named()) out += " " + name + "=" + value;
  return out;
}

TEST(RouterTest, FoldersDescendOtherSegmentsAreParameters) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/65f1a2b3c4d5e6f7a8b9c0d1"),
            "UsersGetAPI id=65f1a2b3c4d5e6f7a8b9c0d1 user_id=65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(routed(router, "PUT", "/users/65f1a2b3c4d5e6f7a8b9c0d1"),
            "UsersPutAPI id=65f1a2b3c4d5e6f7a8b9c0d1 user_id=65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(routed(router, "PUT", "/users/123e4567-e89b-12d3-a456-426614174000"),
            "UsersPutAPI id=123e4567-e89b-12d3-a456-426614174000 "
            "user_id=123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(routed(router, "POST", "/auth/login"), "AuthLoginPostAPI");
  EXPECT_EQ(routed(router, "POST", "/users/123/posts"), "UsersPostsPostAPI user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/ana-maria/posts"), "UsersPostsListAPI user_id=ana-maria");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts/9"),
            "UsersPostsGetAPI id=9 post_id=9 user_id=123");
  EXPECT_EQ(routed(router, "GET", "/categories"), "CategoriesListAPI");
  auto match = router.route("GET", "/users/7/posts/9");
  EXPECT_EQ(match.parameters.list(), (std::vector<std::string>{"7", "9"}));
  EXPECT_EQ(match.parameters.at("post_id"), "9");
  EXPECT_THROW((void)match.parameters.at("nope"), ValueError);
}

// The routing table of the seed's README, which its own 1.0.2 code did not follow.
TEST(RouterTest, SeedReadmeRoutingTable) {
  const ApiEntry seed[] = {
      {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
      {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", &make_nothing},
      {"users", "post", "UsersPostAPI", "src/api/users/post.cpp", &make_nothing},
      {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", &make_nothing},
      {"users", "delete", "UsersDeleteAPI", "src/api/users/delete.cpp", &make_nothing},
      {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", &make_nothing},
      {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", &make_nothing},
  };
  Router router(seed);
  EXPECT_EQ(routed(router, "GET", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/123"), "UsersGetAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "POST", "/users"), "UsersPostAPI");
  EXPECT_EQ(routed(router, "PUT", "/users/123"), "UsersPutAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "DELETE", "/users/123"), "UsersDeleteAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts"), "UsersPostsListAPI user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts/456"),
            "UsersPostsGetAPI id=456 post_id=456 user_id=123");
  EXPECT_EQ(router.route("GET", "/users/123/posts/456").parameters.list(),
            (std::vector<std::string>{"123", "456"}));
}

TEST(RouterTest, LiteralFoldersWin) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/users/me"), "UsersMeListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/mee"), "UsersGetAPI id=mee user_id=mee");
}

TEST(RouterTest, UnknownPathIs404OtherMethodIs405WithAllow) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/nope"), "404");
  EXPECT_EQ(routed(router, "GET", "/users/1/2"), "404") << "two parameters in a row";
  EXPECT_EQ(routed(router, "GET", "/auth"), "404") << "a folder without routes";
  EXPECT_EQ(routed(router, "GET", "/"), "404");
  EXPECT_EQ(routed(router, "DELETE", "/users/1"), "405");
  auto match = router.route("DELETE", "/users/1");
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET", "HEAD", "POST", "PUT", "OPTIONS"}));
  EXPECT_EQ(router.route("GET", "/auth/login").allowed,
            (std::vector<std::string>{"POST", "OPTIONS"}));
  EXPECT_EQ(routed(router, "HEAD", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "TRACE", "/users"), "405");
}

TEST(RouterTest, RouteListing) {
  Router router(kRoutes);
  std::vector<std::string> lines;
  for (const auto& route : router.routes()) lines.push_back(route.method + " " + route.pattern);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "POST /auth/login",
                       "GET /categories",
                       "GET /users",
                       "POST /users",
                       "GET /users/{id}",
                       "PUT /users/{id}",
                       "GET /users/{user_id}/me",
                       "GET /users/{user_id}/posts",
                       "POST /users/{user_id}/posts",
                       "GET /users/{user_id}/posts/{id}",
                   }));
}

TEST(RouterTest, TwoFilesOnOneRouteFail) {
  const ApiEntry twice[] = {
      {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
      {"users", "list", "UsersListAPI", "src/api/users/other/../list.cpp", &make_nothing},
  };
  EXPECT_THROW(Router{twice}, ConfigurationError);
}

TEST(RouterTest, SingularNames) {
  EXPECT_EQ(singular_name("users"), "user");
  EXPECT_EQ(singular_name("categories"), "category");
  EXPECT_EQ(singular_name("addresses"), "address");
  EXPECT_EQ(singular_name("boxes"), "box");
  EXPECT_EQ(singular_name("status"), "status");
  EXPECT_EQ(singular_name("land-records"), "land_record");
  EXPECT_EQ(singular_name("data"), "data");
}

// ---- dispatch -------------------------------------------------------------------------------

class EchoAPI : public API {
 public:
  void process() override {
    set_body({{"method", http_method()},
              {"endpoint", endpoint()},
              {"data", data()},
              {"params", path_parameters().named()},
              {"id", object_id("65f1a2b3c4d5e6f7a8b9c0d1")}});
    set_header("X-Total-Count", "42");
  }
};

class FailingAPI : public API {
 public:
  void validate() override {
    auto what = query_parameters().get_or("fail", "");
    if (what == "value") throw ValueError("limit must be a number");
    if (what == "missing") throw NotFoundError("Shipping 7 not found");
    if (what == "std") throw std::runtime_error("secret at /var/task/src/x.cpp:12");
    if (what == "int") throw 42;
    if (what == "header") set_header("X-Bad", "a\r\nSet-Cookie: evil=1");
  }
  void process() override { set_code(201).set_body("created"); }
};

class FileAPI : public API {
 public:
  void process() override {
    set_raw_body(std::string("\x89PNG\r\n\x1a\n\0", 9), "image/png");
    add_header("Set-Cookie", "a=1");
    add_header("Set-Cookie", "b=2");
  }
};

template <class T>
std::unique_ptr<API> make() {
  return std::make_unique<T>();
}

const ApiEntry kDispatch[] = {
    {"echo", "list", "EchoListAPI", "src/api/echo/list.cpp", &make<EchoAPI>},
    {"echo", "get", "EchoGetAPI", "src/api/echo/get.cpp", &make<EchoAPI>},
    {"echo", "post", "EchoPostAPI", "src/api/echo/post.cpp", &make<EchoAPI>},
    {"fail", "list", "FailListAPI", "src/api/fail/list.cpp", &make<FailingAPI>},
    {"file", "get", "FileGetAPI", "src/api/file/get.cpp", &make<FileAPI>},
};

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"AUTHORIZATION", "CORS_ALLOW_ORIGINS", "API_BASE_PATHS"})
      unsetenv(name);
  }
  Json call(Json event) {
    runtime::InvocationContext context;
    context.request_id = "req-1";
    return dispatcher_.handle(event, context);
  }
  static Json v2(const std::string& method, const std::string& path, const std::string& query = "",
                 const std::optional<std::string>& body = std::nullopt,
                 const Json& headers = Json::object()) {
    Json event = {{"version", "2.0"},
                  {"rawPath", path},
                  {"rawQueryString", query},
                  {"headers", headers},
                  {"requestContext", {{"http", {{"method", method}}}, {"stage", "$default"}}}};
    if (body) event["body"] = *body;
    return event;
  }
  static Json body_of(const Json& reply) { return Json::parse(reply["body"].get<std::string>()); }

  ApiDispatcher dispatcher_{kDispatch};
};

TEST_F(DispatchTest, GetDataIsTheQueryAndTheBodyIsMongoJson) {
  Json reply = call(v2("GET", "/echo/7", "limit=10&tag=a&tag=b"));
  EXPECT_EQ(reply["statusCode"], 200);
  EXPECT_EQ(reply["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(reply["headers"]["X-Total-Count"], "42");
  EXPECT_EQ(reply["headers"]["Access-Control-Allow-Origin"], "*");
  EXPECT_EQ(reply["headers"]["Access-Control-Allow-Headers"],
            "Content-Type,Authorization,constitution-state");
  EXPECT_EQ(reply["headers"]["Access-Control-Allow-Methods"], "GET,POST,PUT,PATCH,DELETE,OPTIONS");
  Json body = body_of(reply);
  EXPECT_EQ(body["method"], "get");
  EXPECT_EQ(body["endpoint"], "echo/7");
  EXPECT_EQ(body["data"], (Json{{"limit", "10"}, {"tag", {"a", "b"}}}));
  EXPECT_EQ(body["params"]["id"], "7");
  EXPECT_EQ(body["id"], "65f1a2b3c4d5e6f7a8b9c0d1") << "ObjectId as hex, as the seed";
}

TEST_F(DispatchTest, PostBodies) {
  Json body = body_of(call(v2("POST", "/echo", "", R"({"name":"Ana"})")));
  EXPECT_EQ(body["data"], (Json{{"name", "Ana"}}));
  EXPECT_EQ(body_of(call(v2("POST", "/echo", "", "")))["data"], Json::object());
  EXPECT_EQ(body_of(call(v2("POST", "/echo", "", "null")))["data"], Json::object()) << "falsy";
  Json form = body_of(call(v2("POST", "/echo", "", "a=1&b=x+y",
                              {{"content-type", "application/x-www-form-urlencoded"}})));
  EXPECT_EQ(form["data"], (Json{{"a", "1"}, {"b", "x y"}}));
  Json binary = body_of(
      call(v2("POST", "/echo", "", "\x01\x02", {{"content-type", "application/octet-stream"}})));
  EXPECT_EQ(binary["data"], Json::object());

  Json bad = call(v2("POST", "/echo", "", R"({"name": )"));
  EXPECT_EQ(bad["statusCode"], 400);
  Json error = body_of(bad);
  EXPECT_EQ(error["error"], "Bad Request");
  EXPECT_NE(error["message"].get<std::string>().find("The request body"), std::string::npos)
      << error["message"];
  EXPECT_EQ(error["request_id"], "req-1");
}

TEST_F(DispatchTest, NotFoundAndMethodNotAllowed) {
  Json missing = call(v2("GET", "/nope/1"));
  EXPECT_EQ(missing["statusCode"], 404);
  EXPECT_EQ(body_of(missing)["message"], "No route for GET /nope/1");
  EXPECT_EQ(missing["headers"]["Access-Control-Allow-Origin"], "*");
  Json wrong = call(v2("DELETE", "/echo/1"));
  EXPECT_EQ(wrong["statusCode"], 405);
  EXPECT_EQ(wrong["headers"]["Allow"], "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(body_of(wrong)["error"], "Method Not Allowed");
}

TEST_F(DispatchTest, ErrorsMapToStatusesAndHideInternals) {
  auto fail = [&](const std::string& what) { return call(v2("GET", "/fail", "fail=" + what)); };
  Json value = fail("value");
  EXPECT_EQ(value["statusCode"], 400);
  EXPECT_EQ(body_of(value)["message"], "limit must be a number");
  EXPECT_EQ(fail("missing")["statusCode"], 404);
  for (const auto& hidden : {"std", "int", "header"}) {
    Json reply = fail(hidden);
    EXPECT_EQ(reply["statusCode"], std::string(hidden) == "header" ? 400 : 500) << hidden;
    std::string text = reply["body"];
    EXPECT_EQ(text.find("secret"), std::string::npos);
    EXPECT_EQ(text.find("evil"), std::string::npos) << "the CRLF header never goes out";
    EXPECT_FALSE(reply["headers"].contains("X-Bad"));
  }
  Json internal = body_of(fail("std"));
  EXPECT_EQ(internal, (Json{{"error", "Internal Server Error"},
                            {"message", "Internal Server Error"},
                            {"request_id", "req-1"}}));
  Json created = call(v2("GET", "/fail"));
  EXPECT_EQ(created["statusCode"], 201);
  EXPECT_EQ(created["body"], "\"created\"");
}

TEST_F(DispatchTest, RawBodiesGoOutBase64) {
  Json reply = call(v2("GET", "/file/logo"));
  EXPECT_EQ(reply["headers"]["Content-Type"], "image/png");
  EXPECT_EQ(reply["isBase64Encoded"], true);
  EXPECT_EQ(base64_decode(reply["body"].get<std::string>()), std::string("\x89PNG\r\n\x1a\n\0", 9));
  EXPECT_EQ(reply["cookies"], Json::array({"a=1", "b=2"}));
}

TEST_F(DispatchTest, PreflightHeadAndCorsConfiguration) {
  Json preflight =
      call(v2("OPTIONS", "/echo/1", "", std::nullopt,
              {{"origin", "https://app.example.com"}, {"access-control-request-method", "GET"}}));
  EXPECT_EQ(preflight["statusCode"], 204);
  EXPECT_EQ(preflight["headers"]["Allow"], "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(preflight["headers"]["Access-Control-Max-Age"], "600");
  EXPECT_EQ(call(v2("OPTIONS", "/nope"))["statusCode"], 404);

  Json head = call(v2("HEAD", "/echo"));
  EXPECT_EQ(head["statusCode"], 200);
  EXPECT_EQ(head["body"], "");

  setenv("CORS_ALLOW_ORIGINS", "https://app.example.com, https://admin.example.com", 1);
  dispatcher_ = ApiDispatcher{kDispatch};  // settings are read when the dispatcher is made
  Json allowed =
      call(v2("GET", "/echo", "", std::nullopt, {{"origin", "https://admin.example.com"}}));
  EXPECT_EQ(allowed["headers"]["Access-Control-Allow-Origin"], "https://admin.example.com");
  EXPECT_EQ(allowed["headers"]["Vary"], "Origin");
  Json other = call(v2("GET", "/echo", "", std::nullopt, {{"origin", "https://evil.example"}}));
  EXPECT_FALSE(other["headers"].contains("Access-Control-Allow-Origin"));
  unsetenv("CORS_ALLOW_ORIGINS");
}

TEST_F(DispatchTest, RestEventsAnswerInTheirShapeAndBasePathsAreStripped) {
  setenv("API_BASE_PATHS", "/deliveries", 1);
  dispatcher_ = ApiDispatcher{kDispatch};
  Json event = {{"httpMethod", "GET"},
                {"path", "/deliveries/echo"},
                {"multiValueHeaders", {{"Origin", {"x"}}}},
                {"requestContext", {{"stage", "prod"}, {"requestId", "gw-1"}}}};
  Json reply = call(event);
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_TRUE(reply.contains("headers"));
  EXPECT_EQ(body_of(reply)["endpoint"], "echo");
  unsetenv("API_BASE_PATHS");
}

TEST_F(DispatchTest, SettingsAreReadOnceWhenTheDispatcherIsMade) {
  ApiDispatcher before{kDispatch};
  setenv("AUTHORIZATION", "state", 1);
  setenv("CORS_ALLOW_ORIGINS", "https://app.example.com", 1);
  runtime::InvocationContext context;
  Json reply = before.handle(v2("GET", "/echo"), context);
  EXPECT_EQ(reply["statusCode"], 200) << "AUTHORIZATION set after the dispatcher was made";
  EXPECT_EQ(reply["headers"]["Access-Control-Allow-Origin"], "*");
  ApiDispatcher after{kDispatch};
  EXPECT_EQ(after.handle(v2("GET", "/echo"), context)["statusCode"], 400);
  unsetenv("AUTHORIZATION");
  unsetenv("CORS_ALLOW_ORIGINS");
}

TEST_F(DispatchTest, RoutesByApiGatewaysTemplateWithTheSameParametersAsThePath) {
  // REST: `resource`; HTTP API: routeKey. API Gateway's parameter names need not be ours.
  Json rest = {{"httpMethod", "GET"},
               {"path", "/echo/7"},
               {"resource", "/echo/{echoId}"},
               {"requestContext", {{"stage", "prod"}}}};
  Json body = body_of(call(rest));
  EXPECT_EQ(body["params"]["id"], "7");
  EXPECT_EQ(body["endpoint"], "echo/7");
  Json v2_event = v2("POST", "/echo");
  v2_event["routeKey"] = "POST /echo";
  EXPECT_EQ(call(v2_event)["statusCode"], 200);
  // A template that is not ours ({proxy+}, $default, another layout) routes by the path.
  for (const char* other : {"/{proxy+}", "$default", "/elsewhere/{id}"}) {
    rest["resource"] = other;
    EXPECT_EQ(body_of(call(rest))["params"]["id"], "7") << other;
  }
  rest["resource"] = 42;  // not a string: ignored
  EXPECT_EQ(call(rest)["statusCode"], 200);
}

TEST(RouterTest, TemplateLookupMatchesTheWalkAndLetsLiteralFoldersWin) {
  static const ApiEntry entries[] = {
      {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", nullptr},
      {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", nullptr},
      {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", nullptr},
      {"users/me", "list", "UsersMeListAPI", "src/api/users/me/list.cpp", nullptr},
  };
  Router router(entries);
  auto hit = router.route_template("GET", "/users/{userId}/posts/{postId}", "/users/7/posts/9");
  ASSERT_TRUE(hit.has_value());
  auto walked = router.route("GET", "/users/7/posts/9");
  EXPECT_EQ(hit->entry, walked.entry);
  EXPECT_EQ(hit->parameters.at("user_id"), "7");
  EXPECT_EQ(hit->parameters.at("post_id"), "9");
  EXPECT_EQ(hit->parameters.at("id"), "9");
  EXPECT_EQ(hit->parameters.list(), walked.parameters.list());
  EXPECT_EQ(hit->parameters.named(), walked.parameters.named());
  EXPECT_EQ(router.route_template("HEAD", "/users/{id}", "/users/7")->entry->class_name,
            "UsersGetAPI");
  // The path must fit the template, and a literal folder is never taken as a parameter:
  // /users/me is UsersMeListAPI, not UsersGetAPI with id "me".
  EXPECT_FALSE(router.route_template("GET", "/users/{id}", "/users/7/posts").has_value());
  EXPECT_FALSE(router.route_template("GET", "/users/{id}", "/users/me").has_value());
  EXPECT_EQ(router.route("GET", "/users/me").entry->class_name, "UsersMeListAPI");
  EXPECT_FALSE(router.route_template("DELETE", "/users/{id}", "/users/7").has_value());
  EXPECT_FALSE(router.route_template("GET", "/{proxy+}", "/users/7").has_value());
}

TEST_F(DispatchTest, AnUnknownAuthorizationModeFailsClosedAtStart) {
  // A typo, a trailing blank, a mode of a later Python release: never "no authentication".
  for (const char* value : {"usr", "permission", "jwt", "off", "user,state", "1"}) {
    setenv("AUTHORIZATION", value, 1);
    try {
      ApiDispatcher refused{kDispatch};
      ADD_FAILURE() << "AUTHORIZATION=" << value << " was accepted";
    } catch (const ConfigurationError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("AUTHORIZATION"), std::string::npos) << message;
      EXPECT_NE(message.find("user, state, full"), std::string::npos) << message;
    }
  }
  for (const char* none : {"", "none", "NONE", "  "}) {
    setenv("AUTHORIZATION", none, 1);
    EXPECT_EQ(auth_mode_from_env(), AuthMode::none) << "'" << none << "'";
  }
  setenv("AUTHORIZATION", " User\t", 1);
  EXPECT_EQ(auth_mode_from_env(), AuthMode::user) << "blanks around a known mode are ignored";
  unsetenv("AUTHORIZATION");
  EXPECT_EQ(auth_mode_from_env(), AuthMode::none);
}

TEST_F(DispatchTest, AnEmptyAuthorizationHeaderIsAMissingOne) {
  setenv("AUTHORIZATION", "user", 1);
  dispatcher_ = ApiDispatcher{kDispatch};
  for (const char* empty : {"", "   "}) {
    Json reply = call(v2("GET", "/echo", "", std::nullopt, {{"authorization", empty}}));
    EXPECT_EQ(reply["statusCode"], 401);
    EXPECT_EQ(body_of(reply)["message"], "Authorization header is required") << "'" << empty << "'";
  }
  unsetenv("AUTHORIZATION");
}

TEST_F(DispatchTest, HostileBodiesAre400sThatQuoteNothing) {
  // Nested 120 KB deep: refused before anything walks it (this crashed the process before).
  std::string deep = std::string(120000, '[') + std::string(120000, ']');
  Json reply = call(v2("POST", "/echo", "", deep));
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body_of(reply)["message"],
            "The request body is nested deeper than 100 levels (at byte 101)");
  // A number no double holds: a 400, not an internal error.
  reply = call(v2("POST", "/echo", "", R"({"amount": 1e400})"));
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body_of(reply)["message"],
            "The request body is not valid JSON: a number is out of range");
  // Malformed JSON holding a secret: the reply says where, not what was sent.
  reply = call(v2("POST", "/echo", "", R"({"user":"ana","password":"hunter2)"));
  EXPECT_EQ(reply["statusCode"], 400);
  std::string text = reply["body"];
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("line 1, column"), std::string::npos) << text;
}

TEST_F(DispatchTest, RequestsOverTheLimitsAreRefusedBeforeTheyAreWalked) {
  // Defaults of aws_helper/limits.hpp: 1000 query parameters, 500 header values, 10 MB bodies.
  std::string query;
  for (int i = 0; i < 1001; ++i) query += (i ? "&k" : "k") + std::to_string(i) + "=v";
  Json reply = call(v2("GET", "/echo", query));
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body_of(reply)["message"], "The request has more than 1000 query parameters");
  query.erase(query.rfind('&'));
  EXPECT_EQ(call(v2("GET", "/echo", query))["statusCode"], 200) << "1000 is allowed";

  Json headers = Json::object();
  for (int i = 0; i < 501; ++i) headers["x-h" + std::to_string(i)] = "v";
  reply = call(v2("GET", "/echo", "", std::nullopt, headers));
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body_of(reply)["message"], "The request has more than 500 header values");

  reply = call(v2("POST", "/echo", "", std::string(10 * 1024 * 1024 + 1, ' ')));
  EXPECT_EQ(reply["statusCode"], 413);
  EXPECT_EQ(body_of(reply)["message"], "The request body is larger than 10485760 bytes");
  EXPECT_EQ(body_of(reply)["error"], "Payload Too Large");
}

TEST(LimitsTest, SettingsAreReadAndAMalformedOneNamesItsVariable) {
  setenv("AWS_HELPER_MAX_JSON_DEPTH", "32", 1);
  setenv("AWS_HELPER_MAX_HEADERS", "7", 1);
  Limits read = Limits::from_env();
  EXPECT_EQ(read.max_json_depth, 32u);
  EXPECT_EQ(read.max_headers, 7u);
  EXPECT_EQ(read.max_query_parameters, 1000u);
  for (const char* bad : {"0", "-1", "ten", "12abc", "99999999999999999999999"}) {
    setenv("AWS_HELPER_MAX_BODY_BYTES", bad, 1);
    try {
      (void)Limits::from_env();
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigurationError& error) {
      EXPECT_STREQ(error.what(), "AWS_HELPER_MAX_BODY_BYTES must be a positive whole number");
    }
  }
  for (const char* name :
       {"AWS_HELPER_MAX_JSON_DEPTH", "AWS_HELPER_MAX_HEADERS", "AWS_HELPER_MAX_BODY_BYTES"})
    unsetenv(name);
}

TEST_F(DispatchTest, NonHttpEventsAreA400) {
  Json reply = call({{"Records", Json::array()}});
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_NE(body_of(reply)["message"].get<std::string>().find("not an API Gateway"),
            std::string::npos);
}

TEST_F(DispatchTest, StateModeNeedsTheHeader) {
  setenv("AUTHORIZATION", "state", 1);
  dispatcher_ = ApiDispatcher{kDispatch};
  Json reply = call(v2("GET", "/echo"));
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_EQ(body_of(reply)["message"], "Header 'constitution-state' is required");
  setenv("AUTHORIZATION", "user", 1);
  dispatcher_ = ApiDispatcher{kDispatch};
  reply = call(v2("GET", "/echo"));
  EXPECT_EQ(reply["statusCode"], 401);
  EXPECT_EQ(body_of(reply)["message"], "Authorization header is required");
  reply = call(v2("GET", "/echo", "", std::nullopt, {{"authorization", "Basic abc"}}));
  EXPECT_EQ(body_of(reply)["message"], "Authorization header must use Bearer scheme");
  reply = call(v2("GET", "/echo", "", std::nullopt, {{"authorization", "Bearer   "}}));
  EXPECT_EQ(body_of(reply)["message"], "Token cannot be empty");
  unsetenv("AUTHORIZATION");
}

}  // namespace
}  // namespace aws_helper

namespace aws_helper {
namespace {

// A handler run without the dispatcher: the invocation filled by hand (docs/apis.md).
class InvocationEchoAPI : public API {
 public:
  void process() override {
    set_code(201).set_header("X-Id", path_parameters().at("id"));
    set_body({{"id", path_parameters().at("id")}, {"name", data().value("name", "")}});
  }
};

TEST(ApiInvocationTest, AHandlerRunsFromAFilledInvocationAndBeginClearsTheReply) {
  InvocationEchoAPI api;
  ApiInvocation invocation;
  invocation.request.method = "POST";
  invocation.request.path = "/things/42";
  invocation.path.add("id", "", "42");
  invocation.data = {{"name", "x"}};
  api.begin(std::move(invocation), "InvocationEchoAPI");
  api.process();
  EXPECT_EQ(api.code(), 201);
  EXPECT_EQ(api.body(), (Json{{"id", "42"}, {"name", "x"}}));
  EXPECT_EQ(api.response_headers().get("x-id"), "42");
  EXPECT_EQ(api.endpoint(), "things/42");
  EXPECT_EQ(api.http_method(), "post");
  EXPECT_EQ(api.logger().name(), "InvocationEchoAPI");
  EXPECT_FALSE(api.is_authenticated());

  api.begin(ApiInvocation{}, "InvocationEchoAPI");
  EXPECT_EQ(api.code(), 0);
  EXPECT_TRUE(api.body().is_null());
  EXPECT_TRUE(api.response_headers().empty());
  EXPECT_THROW(api.process(), ValueError);  // no path parameter 'id' any more
}

}  // namespace
}  // namespace aws_helper
