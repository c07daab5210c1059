// The `api` handler end to end: AWS's event shapes under the real emulator, token auth against
// FerretDB, and `bootstrap serve` over real HTTP.
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <aws_helper/document.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

#include "support/core_stub.hpp"
#include "support/emulator.hpp"
#include "support/jwt_signer.hpp"
#include "support/local_server.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;

std::string ferretdb_uri() {
  const char* uri = std::getenv("AWS_HELPER_FERRETDB_URI");
  if (uri == nullptr || *uri == '\0') {
    ADD_FAILURE() << "AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test";
    return "mongodb://127.0.0.1:1/";
  }
  return uri;
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(AWS_HELPER_SOURCE_DIR) + "/tests/fixtures/events/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The Lambda reply (the proxy integration's JSON).
Json invoke(const Emulator& emulator, const std::string& event) {
  auto reply = emulator.invoke(event);
  EXPECT_EQ(reply.status, 200) << reply.body << "\n" << emulator.output();
  return Json::parse(reply.body);
}

Json body_of(const Json& reply) {
  return Json::parse(reply.at("body").get<std::string>());
}

Json v2_event(const std::string& method, const std::string& path,
              const Json& headers = Json::object(), const std::string& query = "") {
  return {{"version", "2.0"},
          {"rawPath", path},
          {"rawQueryString", query},
          {"headers", headers},
          {"requestContext",
           {{"http", {{"method", method}, {"sourceIp", "127.0.0.1"}}},
            {"requestId", "gw-req"},
            {"stage", "$default"}}}};
}

// ---- event shapes ---------------------------------------------------------------------------

class ApiEventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emulator_ = std::make_unique<Emulator>(TEST_SERVICE_BOOTSTRAP, "api");
  }
  static void TearDownTestSuite() { emulator_.reset(); }
  static std::unique_ptr<Emulator> emulator_;
};
std::unique_ptr<Emulator> ApiEventsTest::emulator_;

TEST_F(ApiEventsTest, RestV1PutWithObjectIdAndBase64Body) {
  Json reply = invoke(*emulator_, fixture("rest_v1.json"));
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(reply["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(body_of(reply), (Json{{"id", "65f1a2b3c4d5e6f7a8b9c0d1"},
                                  {"data", {{"name", "Ana"}}},
                                  {"state", ""},
                                  {"tags", {"x", "y"}}}));
}

TEST_F(ApiEventsTest, HttpV2WithStageCookiesAndNestedResource) {
  Json reply = invoke(*emulator_, fixture("http_v2.json"));
  EXPECT_EQ(reply["statusCode"], 201) << reply.dump();
  EXPECT_EQ(body_of(reply), (Json{{"user_id", "123"},
                                  {"data", {{"title", "Hello"}}},
                                  {"cookie", "session=abc; theme=dark"}}));
}

TEST_F(ApiEventsTest, FunctionUrlFormBody) {
  Json reply = invoke(*emulator_, fixture("function_url.json"));
  EXPECT_EQ(reply["statusCode"], 201) << reply.dump();
  EXPECT_EQ(body_of(reply)["data"],
            (Json{{"carrier", "acme"}, {"weight", "12.5"}, {"note", "fragile box"}}));
}

TEST_F(ApiEventsTest, AlbReplyInAlbShape) {
  Json reply = invoke(*emulator_, fixture("alb.json"));
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(reply["statusDescription"], "200 OK");
  EXPECT_EQ(reply["multiValueHeaders"]["Content-Type"], Json::array({"application/json"}));
  EXPECT_EQ(body_of(reply), (Json{{"id", "abc%2Fdef"}, {"q", "caf\xC3\xA9"}}));
}

TEST_F(ApiEventsTest, InternalErrorsShowNothingInternal) {
  Json reply = invoke(*emulator_, v2_event("GET", "/boom").dump());
  EXPECT_EQ(reply["statusCode"], 500);
  Json body = body_of(reply);
  EXPECT_EQ(body["error"], "Internal Server Error");
  EXPECT_EQ(body["message"], "Internal Server Error");
  EXPECT_FALSE(body["request_id"].get<std::string>().empty());
  EXPECT_EQ(reply["body"].get<std::string>().find("hunter2"), std::string::npos);
  // The log has the exception, with the password masked.
  std::string log = emulator_->output();
  EXPECT_NE(log.find("connection string mongodb://admin:****@10.0.0.1 failed"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("hunter2"), std::string::npos);
}

TEST_F(ApiEventsTest, NotAnHttpEventOrNotJson) {
  Json reply = invoke(*emulator_, R"({"Records": []})");
  EXPECT_EQ(reply["statusCode"], 400);
  reply = invoke(*emulator_, "[1, 2");
  EXPECT_EQ(reply["statusCode"], 400);
  EXPECT_NE(body_of(reply)["message"].get<std::string>().find("The event"), std::string::npos);
}

TEST_F(ApiEventsTest, SchemaValidatesCoercesAndReportsEveryField) {
  Json event = v2_event("POST", "/parcels", {{"content-type", "application/json"}});
  event["body"] = R"({"weight_kg": "heavy", "pieces": 0, "unknown": true})";
  Json reply = invoke(*emulator_, event.dump());
  EXPECT_EQ(reply["statusCode"], 400);
  Json body = body_of(reply);
  EXPECT_EQ(body["error"], "Bad Request");
  EXPECT_EQ(body["message"],
            "3 validation errors for NewParcel: carrier_id: Field required; weight_kg: Input "
            "should be a valid number, unable to parse string as a number; pieces: Input should "
            "be greater than or equal to 1");
  EXPECT_EQ(body["details"][0],
            (Json{{"loc", {"carrier_id"}}, {"msg", "Field required"}, {"type", "missing"}}));
  EXPECT_EQ(body["details"].size(), 3u);

  event["body"] = R"({"carrier_id": "acme", "unknown": true})";
  reply = invoke(*emulator_, event.dump());
  EXPECT_EQ(reply["statusCode"], 201);
  EXPECT_EQ(body_of(reply)["data"], (Json{{"carrier_id", "acme"},
                                          {"weight_kg", 1.0},
                                          {"pieces", 1},
                                          {"note", nullptr},
                                          {"tags", Json::array()}}));

  Json query = v2_event("GET", "/parcels", Json::object(),
                        "carrier_id=acme&pieces=3&weight_kg=2.5&tags=a&tags=b");
  reply = invoke(*emulator_, query.dump());
  EXPECT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(body_of(reply)["total_weight"], 7.5);
  EXPECT_EQ(body_of(reply)["data"]["tags"], Json::array({"a", "b"}));
}

TEST(LambdaSchemaTest, ErrorEnvelopeCarriesTheDetails) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:validated");
  Json reply = invoke(emulator, R"({"data": {"carrier_id": "ac", "pieces": "2"}})");
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "ValidationError");
  EXPECT_EQ(reply["details"], Json::array({{{"loc", {"carrier_id"}},
                                            {"msg", "String should have at least 3 characters"},
                                            {"type", "string_too_short"}}}));
  reply = invoke(emulator, R"({"data": {"carrier_id": "acme", "pieces": "2"}})");
  EXPECT_EQ(reply["success"], true);
  EXPECT_EQ(reply["data"]["pieces"], 2);
}

TEST(ApiDatabaseDownTest, IsA503WithinTheTimeout) {
  Emulator emulator(
      TEST_SERVICE_BOOTSTRAP, "api",
      {{"MONGODB_URI", "mongodb://127.0.0.1:" + std::to_string(testing::unused_port()) +
                           "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"}});
  auto start = std::chrono::steady_clock::now();
  Json reply = invoke(emulator, v2_event("GET", "/boom", Json::object(), "kind=db").dump());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(reply["statusCode"], 503);
  EXPECT_EQ(body_of(reply)["error"], "Service Unavailable");
}

// ---- token auth and state -------------------------------------------------------------------

class ApiAuthTest : public ::testing::Test {
 protected:
  // One database per test process: ctest runs each test case in its own process, two at a
  // time, and each SetUpTestSuite drops and refills the database; a shared name let one
  // process drop the tokens while the other was reading them (a flaky 401).
  static const std::string& auth_db() {
    static const std::string name = "auth_e2e_" + std::to_string(::getpid());
    return name;
  }

  static void SetUpTestSuite() {
    Cluster ferretdb(ferretdb_uri());
    auto db = ferretdb[auth_db()];
    (void)db.run_command({{"dropDatabase", 1}});
    // The state every case sends; seeded here so the suite does not depend on another's run.
    (void)ferretdb["core"]["states"].update_one({{"name", "connecticut"}},
                                                {{"$set", {{"status", "active"}}}}, true);
    auto now = std::chrono::system_clock::now();
    db["users"].insert_many({
        {{"_id", object_id(kActiveUser)},
         {"email", "ana@example.com"},
         {"password", "plain"},
         {"hashed_password", "$2b$12$abc"},
         {"is_active", true}},
        {{"_id", object_id(kInactiveUser)}, {"email", "old@example.com"}, {"is_active", false}},
        // Falsy as Python reads it (not false): was let in before the helpers were reconciled.
        {{"_id", object_id(kBlankActiveUser)}, {"email", "blank@example.com"}, {"is_active", ""}},
    });
    db["tokens"].insert_many({
        {{"token", "valid"},
         {"is_active", true},
         {"user_id", object_id(kActiveUser)},
         {"expires_at", date(now + std::chrono::hours(1))}},
        {{"token", "forever"},
         {"is_active", true},
         {"user_id", object_id(kActiveUser)},
         {"expires_at", nullptr}},
        {{"token", "revoked"}, {"is_active", false}, {"user_id", object_id(kActiveUser)}},
        {{"token", "expired"},
         {"is_active", true},
         {"user_id", object_id(kActiveUser)},
         {"expires_at", date(now - std::chrono::hours(1))}},
        {{"token", "inactive-user"}, {"is_active", true}, {"user_id", object_id(kInactiveUser)}},
        {{"token", "orphan"}, {"is_active", true}, {"user_id", object_id()}},
        {{"token", "blank-active-user"},
         {"is_active", true},
         {"user_id", object_id(kBlankActiveUser)}},
    });
    emulator_ = std::make_unique<Emulator>(
        TEST_SERVICE_BOOTSTRAP, "api",
        std::map<std::string, std::string>{{"AUTHORIZATION", "full"},
                                           {"AUTH_DB_NAME", auth_db()},
                                           {"AUTH_BYPASS_TOKEN", "bypass-secret"}});
  }
  static void TearDownTestSuite() {
    emulator_.reset();
    (void)Cluster(ferretdb_uri())[auth_db()].run_command({{"dropDatabase", 1}});
  }

  static Json get(const Json& headers) {
    return invoke(*emulator_, v2_event("GET", "/users", headers, "limit=5").dump());
  }
  static Json with(const std::string& token, const std::string& state = "connecticut") {
    Json headers = {{"authorization", "Bearer " + token}};
    if (!state.empty()) headers["constitution-state"] = state;
    return get(headers);
  }

  static constexpr const char* kActiveUser = "65f1a2b3c4d5e6f7a8b9c0a1";
  static constexpr const char* kInactiveUser = "65f1a2b3c4d5e6f7a8b9c0a2";
  static constexpr const char* kBlankActiveUser = "65f1a2b3c4d5e6f7a8b9c0a3";
  static std::unique_ptr<Emulator> emulator_;
};
std::unique_ptr<Emulator> ApiAuthTest::emulator_;

TEST_F(ApiAuthTest, ValidTokenAndStateReachTheApiWithoutPasswords) {
  Json reply = with("valid");
  ASSERT_EQ(reply["statusCode"], 200) << reply.dump();
  Json body = body_of(reply);
  EXPECT_EQ(body["state"], "connecticut");
  EXPECT_EQ(body["is_authenticated"], true);
  EXPECT_EQ(body["is_bypass"], false);
  EXPECT_EQ(body["user"]["email"], "ana@example.com");
  EXPECT_FALSE(body["user"].contains("password"));
  EXPECT_FALSE(body["user"].contains("hashed_password"));
  EXPECT_EQ(body["data"], (Json{{"limit", "5"}}));
  EXPECT_EQ(reply["headers"]["X-Total-Count"], "2");
  auto token = Cluster(ferretdb_uri())[auth_db()]["tokens"].find_one({{"token", "valid"}});
  ASSERT_TRUE(token.has_value());
  EXPECT_TRUE(token->contains("last_used_at")) << "last_used_at is updated";
  EXPECT_EQ(with("forever")["statusCode"], 200) << "a null expires_at never expires";
}

TEST_F(ApiAuthTest, EveryRefusalHasItsStatusAndMessage) {
  auto refusal = [](const Json& reply) {
    return std::to_string(reply["statusCode"].get<int>()) + " " +
           body_of(reply)["message"].get<std::string>();
  };
  EXPECT_EQ(refusal(with("revoked")), "401 Invalid or revoked token");
  EXPECT_EQ(refusal(with("nope")), "401 Invalid or revoked token");
  EXPECT_EQ(refusal(with("expired")), "401 Token has expired");
  EXPECT_EQ(refusal(with("inactive-user")), "401 User account is inactive");
  EXPECT_EQ(refusal(with("blank-active-user")), "401 User account is inactive");
  EXPECT_EQ(refusal(with("orphan")), "401 User not found");
  EXPECT_EQ(refusal(get({{"constitution-state", "connecticut"}})),
            "401 Authorization header is required");
  EXPECT_EQ(refusal(get({{"authorization", "Token valid"}})),
            "401 Authorization header must use Bearer scheme");
  EXPECT_EQ(refusal(with("valid", "")), "400 Header 'constitution-state' is required");
  EXPECT_EQ(refusal(with("valid", "vermont")), "403 State 'vermont' is not valid or not active");
  EXPECT_EQ(refusal(with("valid", "admin")).substr(0, 4), "403 ");
}

TEST_F(ApiAuthTest, BypassTokenAndPublicEndpoint) {
  Json body = body_of(with("bypass-secret"));
  EXPECT_EQ(body["is_bypass"], true);
  EXPECT_EQ(body["user"]["name"], "Bypass User");
  EXPECT_EQ(with("bypass-secre")["statusCode"], 401);
  Json login = invoke(*emulator_, v2_event("POST", "/auth/login").dump());
  EXPECT_EQ(login["statusCode"], 200) << login.dump();
}

TEST(ApiAuthConfigurationTest, WithoutAuthDbNameTokensAreLookedUpInCore) {
  // As Python 1.1 and later: AUTH_DB_NAME defaults to core.
  Cluster cluster(ferretdb_uri());
  const Json user_id = object_id("65f1a2b3c4d5e6f7a8b9c0b1");
  (void)cluster["core"]["users"].update_one(
      {{"_id", user_id}}, {{"$set", {{"email", "core@example.com"}, {"is_active", true}}}}, true);
  (void)cluster["core"]["tokens"].update_one(
      {{"token", "token-in-core"}}, {{"$set", {{"is_active", true}, {"user_id", user_id}}}}, true);
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "api",
                    {{"AUTHORIZATION", "user"}, {"AUTH_DB_NAME", ""}});
  Json reply = invoke(
      emulator, v2_event("GET", "/users", {{"authorization", "Bearer token-in-core"}}).dump());
  ASSERT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(body_of(reply)["user"]["email"], "core@example.com");
  Json refused =
      invoke(emulator, v2_event("GET", "/users", {{"authorization", "Bearer nope"}}).dump());
  EXPECT_EQ(refused["statusCode"], 401);
}

// ---- JWT and permission mode under the emulator, keys from a local core stub -------------

TEST(ApiJwtTest, CoresKeysAuthenticateAndPermissionsGuardTheRoutes) {
  testing::CoreStub core;
  const testing::RsaKey key;
  core.reply("/jwks", Json{{"keys", Json::array({key.jwk("k1")})}}.dump());
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "api",
                    {{"AUTHORIZATION", "permission"},
                     {"AUTH_STRATEGY", "jwt"},
                     {"CORE_API_URL", core.url()},
                     {"SERVICE_CODE", "tests"}});
  auto token = [&key](const Json& granted, long long ttl = 3600) {
    Json claims = testing::core_claims("u-7");
    claims["exp"] = testing::unix_now() + ttl;
    claims["extra"] = {{"permissions", granted}};
    return "Bearer " + key.sign({{"kid", "k1"}}, claims);
  };
  auto get = [&emulator](const std::string& path, const std::string& authorization) {
    return invoke(emulator, v2_event("GET", path, {{"authorization", authorization}}).dump());
  };
  Json reply = get("/users", token({"tests:GET /users"}));
  ASSERT_EQ(reply["statusCode"], 200) << reply.dump();
  EXPECT_EQ(body_of(reply)["user"]["_id"], "u-7");
  EXPECT_EQ(body_of(reply)["user"]["email"], "ana@example.com");
  reply = get("/users", token({"tests:GET /users/{id}"}));
  EXPECT_EQ(reply["statusCode"], 403);
  EXPECT_EQ(body_of(reply)["message"], "Te falta el permiso 'tests:GET /users'");
  reply = get("/users/5", token({"*"}));  // users/get.cpp has no granted_permissions()
  EXPECT_EQ(body_of(reply)["message"], "Permission checking is not configured for this endpoint");
  reply = get("/users", token({"*"}, -3600));
  EXPECT_EQ(reply["statusCode"], 401);
  EXPECT_EQ(body_of(reply)["message"], "Token has expired");
  EXPECT_EQ(get("/users", "Bearer " + testing::sign_hs256(key.public_pem(),
                                                          testing::core_claims()))["statusCode"],
            401);
  EXPECT_EQ(core.calls("/jwks"), 1);  // once per container
}

TEST(ApiJwtTest, ACoreThatIsDownIsA503AndAMissingKeySourceFailsTheStart) {
  const testing::RsaKey key;
  Emulator down(TEST_SERVICE_BOOTSTRAP, "api",
                {{"AUTHORIZATION", "user"},
                 {"AUTH_STRATEGY", "jwt"},
                 {"CORE_API_URL", "http://127.0.0.1:1"}});
  Json reply =
      invoke(down, v2_event("GET", "/users",
                            {{"authorization", "Bearer " + key.sign({}, testing::core_claims())}})
                       .dump());
  EXPECT_EQ(reply["statusCode"], 503) << reply.dump();
  Emulator nowhere(TEST_SERVICE_BOOTSTRAP, "api",
                   {{"AUTHORIZATION", "user"}, {"AUTH_STRATEGY", "jwt"}});
  auto init = nowhere.invoke(v2_event("GET", "/users").dump());
  EXPECT_EQ(init.status, 502) << init.body;
  EXPECT_NE(init.body.find("AUTH_STRATEGY=jwt needs JWT_PUBLIC_KEY or CORE_API_URL"),
            std::string::npos)
      << init.body;
}

// ---- bootstrap serve ------------------------------------------------------------------------

TEST(LocalServerTest, ServesTheApisOverHttp) {
  testing::LocalServer server(TEST_SERVICE_BOOTSTRAP);
  auto client = server.client();
  auto list = client.Get("/users?limit=5&tag=a&tag=b");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(list->get_header_value("X-Total-Count"), "2");
  EXPECT_EQ(list->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(Json::parse(list->body)["data"], (Json{{"limit", "5"}, {"tag", {"a", "b"}}}));

  auto created = client.Post("/users/9/posts", R"({"title":"Hi"})", "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(Json::parse(created->body)["data"], (Json{{"title", "Hi"}}));

  auto get = client.Get("/users/65f1a2b3c4d5e6f7a8b9c0d1");
  ASSERT_TRUE(get);
  EXPECT_EQ(Json::parse(get->body)["source"], "http_v2");

  auto preflight = client.Options("/users");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Methods"),
            "GET,POST,PUT,PATCH,DELETE,OPTIONS");

  auto head = client.Head("/users");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());

  auto missing = client.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["message"], "No route for GET /nope");

  auto not_allowed = client.Delete("/users");
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 405);
  EXPECT_EQ(not_allowed->get_header_value("Allow"), "GET, HEAD, PUT, OPTIONS");

  std::string bytes(
      "\x00\xff\x10"
      "binary\x80",
      10);
  auto echoed = client.Post("/shippings?format=bytes", bytes, "application/octet-stream");
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->status, 200);
  EXPECT_EQ(echoed->body, bytes);
  EXPECT_EQ(echoed->get_header_value("Content-Type"), "application/octet-stream");

  auto bad = client.Post("/users/9/posts", "{oops", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  // API Gateway's 10 MB request limit.
  auto huge = client.Post("/users/9/posts", std::string(11 * 1024 * 1024, 'x'), "text/plain");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(client.Get("/users")->status, 200) << "the server carries on";
}

// Raw HTTP/1.1 to the server (a request cpp-httplib's client would not send as is); returns the
// status line and the body.
std::pair<std::string, std::string> raw_http(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return {"connect failed", ""};
  }
  timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[4096];
  for (ssize_t got = 0; (got = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    reply.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  auto line_end = reply.find("\r\n");
  auto body_at = reply.find("\r\n\r\n");
  return {reply.substr(0, line_end), body_at == std::string::npos ? "" : reply.substr(body_at + 4)};
}

// The review's cases where `bootstrap serve` was not API Gateway.
TEST(LocalServerTest, BehavesLikeApiGatewayForOddRequests) {
  testing::LocalServer server(TEST_SERVICE_BOOTSTRAP);
  // A PUT or PATCH with neither Content-Length nor a chunked body reaches the service, with no
  // body (cpp-httplib answered an empty 400 after waiting for the connection to close).
  auto [put_status, put_body] =
      raw_http(server.port(), "PUT /users/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(put_status, "HTTP/1.1 200 OK") << put_body;
  EXPECT_EQ(Json::parse(put_body)["id"], "7");
  auto [patch_status, patch_body] =
      raw_http(server.port(), "PATCH /users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(patch_status, "HTTP/1.1 405 Method Not Allowed") << patch_body;
  EXPECT_NE(patch_body.find("not allowed"), std::string::npos) << patch_body;

  // Invalid UTF-8 in a JSON body is refused, not replaced by U+FFFD and stored.
  auto client = server.client();
  auto bad_utf8 = client.Post("/users/9/posts", "{\"title\": \"\xff\xfe\"}", "application/json");
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->status, 400) << bad_utf8->body;
  EXPECT_EQ(bad_utf8->body.find("\xef\xbf\xbd"), std::string::npos);
  // Valid UTF-8 still goes through as text.
  auto good_utf8 =
      client.Post("/users/9/posts", "{\"title\": \"caf\xc3\xa9\"}", "application/json");
  ASSERT_TRUE(good_utf8);
  EXPECT_EQ(good_utf8->status, 201);
  EXPECT_EQ(Json::parse(good_utf8->body)["data"]["title"], "caf\xc3\xa9");

  // An encoded CR/LF in the path is the service's own 404, not an empty one.
  auto crlf = client.Get("/users/%0D%0Ax/y/z");
  ASSERT_TRUE(crlf);
  EXPECT_EQ(crlf->status, 404);
  EXPECT_FALSE(crlf->body.empty());
  EXPECT_NE(Json::parse(crlf->body)["message"].get<std::string>().find("No route"),
            std::string::npos);
}

// SIGTERM while a request runs: the reply is finished and sent, then the server exits 0.
TEST(LocalServerTest, SigtermFinishesTheRequestInFlight) {
  auto server = std::make_unique<testing::LocalServer>(TEST_SERVICE_BOOTSTRAP);
  std::optional<httplib::Result> slow;
  std::thread caller([&] {
    slow = server->client().Post("/shippings?sleep_ms=800", "a=1",
                                 "application/x-www-form-urlencoded");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int code = server->terminate_and_wait(std::chrono::seconds(5));
  caller.join();
  ASSERT_TRUE(slow.has_value() && *slow) << "the request in flight got no reply";
  EXPECT_EQ((*slow)->status, 201) << (*slow)->body;
  EXPECT_EQ(code, 0);
  EXPECT_NE(server->output().find("SIGTERM: finishing the request in flight"), std::string::npos);
}

TEST(LocalServerTest, RestEvents) {
  testing::LocalServer server(TEST_SERVICE_BOOTSTRAP, {"--rest"});
  auto client = server.client();
  auto get = client.Get("/users/7?x=1");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(Json::parse(get->body)["source"], "rest_v1");
  EXPECT_EQ(Json::parse(get->body)["query"], (Json{{"x", "1"}}));
}

}  // namespace
}  // namespace aws_helper
