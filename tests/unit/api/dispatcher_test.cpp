// ApiDispatcher (src/api/dispatcher.cpp) without a database: the stages route, authenticate,
// bind, run and respond; CORS, errors, limits, the shapes of the replies.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>
#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

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
            "Content-Type,Authorization,Idempotency-Key,constitution-state");
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

TEST_F(DispatchTest, AnUnknownAuthorizationModeFailsClosedAtStart) {
  // A typo, a strategy given as a mode: never "no authentication".
  for (const char* value : {"usr", "permissions", "jwt", "off", "user,state", "1"}) {
    setenv("AUTHORIZATION", value, 1);
    try {
      ApiDispatcher refused{kDispatch};
      ADD_FAILURE() << "AUTHORIZATION=" << value << " was accepted";
    } catch (const ConfigurationError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("AUTHORIZATION"), std::string::npos) << message;
      EXPECT_NE(message.find("user, state, full, permission"), std::string::npos) << message;
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

class TraceAPI : public API {
 public:
  void process() override { set_body({{"trace", trace::current()}}); }
};

std::unique_ptr<API> make_trace() {
  return std::make_unique<TraceAPI>();
}

const ApiEntry kTraceApis[] = {
    {"trace", "list", "TraceListAPI", "src/api/trace/list.cpp", &make_trace}};

Json trace_of(const ApiDispatcher& dispatcher, const Json& headers) {
  Json event = {{"version", "2.0"},
                {"rawPath", "/trace"},
                {"rawQueryString", ""},
                {"headers", headers},
                {"requestContext", {{"http", {{"method", "GET"}}}, {"stage", "$default"}}}};
  Json reply = dispatcher.handle(event, {});
  return Json::parse(reply["body"].get<std::string>())["trace"];
}

TEST(DispatchTraceTest, WithoutAnInvocationTraceTheRequestHeaderIsFollowed) {
  unsetenv("AUTHORIZATION");
  ApiDispatcher dispatcher{kTraceApis};
  const std::string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
  EXPECT_EQ(trace_of(dispatcher, {{"x-amzn-trace-id", header}}), header);
  EXPECT_EQ(trace::current(), "");  // restored after the request
  // A malformed header is ignored, never followed.
  EXPECT_EQ(trace_of(dispatcher, {{"x-amzn-trace-id", "Root=nope\r\n"}}), "");
  // The invocation's trace (Lambda's) wins over the header.
  const std::string invocation = "Root=1-5759e988-00000000000000000000000a;Sampled=0";
  trace::Scope scope{invocation};
  EXPECT_EQ(trace_of(dispatcher, {{"x-amzn-trace-id", header}}), invocation);
}

}  // namespace
}  // namespace aws_helper
