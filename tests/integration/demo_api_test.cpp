// examples/demo's APIs over HTTP (`bootstrap serve`), against FerretDB: the flows its docs show.
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include <aws_helper/api_client.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>

#include "support/core_stub.hpp"
#include "support/jwt_signer.hpp"
#include "support/local_server.hpp"

namespace aws_helper {
namespace {

Cluster ferretdb() {
  const char* uri = std::getenv("AWS_HELPER_FERRETDB_URI");
  if (uri == nullptr || *uri == '\0') {
    ADD_FAILURE() << "AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test";
    return Cluster("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100");
  }
  return Cluster(uri);
}

class DemoApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = ferretdb();
    for (const char* name : {"users_db", "constitution_db", "analytics_db", "demo_auth"})
      (void)db[name].run_command({{"dropDatabase", 1}});
    (void)db["core"]["states"].update_one({{"name", "connecticut"}},
                                          {{"$set", {{"is_active", true}}}}, true);
    db["constitution_db"]["constitutions"].insert_many({
        {{"name", "Argentina"}, {"country", "ar"}, {"year", 1853}},
        {{"name", "Brazil"}, {"country", "br"}, {"year", 1988}},
        {{"name", "United States"}, {"country", "us"}, {"year", 1787}},
        {{"name", "US Draft"}, {"country", "us"}, {"year", 1776}},
    });
    Json reader = object_id();
    db["demo_auth"]["users"].insert_one({{"_id", reader}, {"name", "Reader"}, {"role", "user"}});
    db["demo_auth"]["tokens"].insert_one(
        {{"token", "reader-token"}, {"is_active", true}, {"user_id", reader}});
    server_ = std::make_unique<testing::LocalServer>(
        DEMO_BOOTSTRAP, std::vector<std::string>{},
        std::map<std::string, std::string>{{"AUTH_DB_NAME", "demo_auth"},
                                           {"AUTH_BYPASS_TOKEN", "admin-secret"}});
  }
  static void TearDownTestSuite() { server_.reset(); }

  static Json json(const httplib::Result& result) {
    EXPECT_TRUE(result);
    if (!result || result->body.empty()) return nullptr;
    return Json::parse(result->body);
  }

  static std::unique_ptr<testing::LocalServer> server_;
};
std::unique_ptr<testing::LocalServer> DemoApiTest::server_;

TEST_F(DemoApiTest, ConstitutionsListWithFiltersLimitAndTotal) {
  auto client = server_->client();
  auto reply = client.Get("/constitutions?country=us&limit=1");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->get_header_value("X-Total-Count"), "2");
  Json body = json(reply);
  EXPECT_EQ(body["total"], 2);
  ASSERT_EQ(body["data"].size(), 1u);
  EXPECT_EQ(body["data"][0]["name"], "US Draft");
  EXPECT_EQ(body["data"][0]["_id"].get<std::string>().size(), 24u) << "ObjectId as hex";
  EXPECT_EQ(ferretdb()["analytics_db"]["searches"].count_documents({{"filters.country", "us"}}), 1);

  auto all = json(client.Get("/constitutions"));
  EXPECT_EQ(all["total"], 4);
  // POST /constitutions needs its topic: without TITLE_INDEXED_SNS_TOPIC_ARN it is a logged 500
  // and nothing is stored.
  auto unpublished = client.Post(
      "/constitutions", R"({"name": "Peru", "country": "pe", "year": 1993})", "application/json");
  ASSERT_TRUE(unpublished);
  EXPECT_EQ(unpublished->status, 500);
  EXPECT_EQ(json(client.Get("/constitutions"))["total"], 4);
  auto too_many = client.Get("/constitutions?limit=5000");
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 400);
  EXPECT_EQ(json(too_many)["details"][0]["loc"], Json::array({"limit"}));
}

TEST_F(DemoApiTest, UsersCrudWithNestedPosts) {
  auto client = server_->client();
  auto created =
      client.Post("/users", R"({"name": "Ana", "email": "ana@example.com"})", "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  Json user = json(created)["data"];
  EXPECT_EQ(user["role"], "user") << "schema default";
  std::string id = user["_id"];

  auto bad = client.Post("/users", R"({"name": "", "email": "nope"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json(bad)["details"].size(), 2u);

  auto got = client.Get("/users/" + id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->get_header_value("X-Resource-Id"), id);
  EXPECT_EQ(json(got)["data"]["email"], "ana@example.com");
  EXPECT_EQ(json(client.Get("/users/not-an-object-id"))["error"], "Bad Request");
  EXPECT_EQ(client.Get("/users/65f1a2b3c4d5e6f7a8b9c0ff")->status, 404);

  auto put = client.Put("/users/" + id, R"({"role": "admin"})", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json(put)["data"]["role"], "admin");
  EXPECT_EQ(json(put)["data"]["name"], "Ana") << "untouched";

  auto post = client.Post("/users/" + id + "/posts", R"({"title": "Hello", "tags": ["a"]})",
                          "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 201) << post->body;
  EXPECT_EQ(json(post)["data"]["user_id"], id);
  EXPECT_EQ(
      client.Post("/users/65f1a2b3c4d5e6f7a8b9c0ff/posts", R"({"title": "x"})", "application/json")
          ->status,
      404);
  auto posts = client.Get("/users/" + id + "/posts");
  ASSERT_TRUE(posts);
  EXPECT_EQ(posts->get_header_value("X-Total-Count"), "1");
  EXPECT_EQ(json(posts)["data"][0]["title"], "Hello");

  auto listed = client.Get("/users");
  ASSERT_TRUE(listed);
  EXPECT_EQ(json(listed)["data"].size(), 1u);

  auto removed = client.Delete("/users/" + id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204);
  EXPECT_TRUE(removed->body.empty());
  EXPECT_EQ(client.Delete("/users/" + id)->status, 404);
  EXPECT_EQ(ferretdb()["users_db"]["posts"].count_documents(), 0);
}

TEST_F(DemoApiTest, ShippingsPostValidatesAndCreates) {
  auto client = server_->client();
  // The API takes its state from the header, and passes it to lambda:generate-route.
  httplib::Headers state = {{"constitution-state", "connecticut"}};
  auto created = client.Post("/shippings", state,
                             R"({"customer_id": "c-1", "address": "1 Main St", "items": ["box"]})",
                             "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  std::string id = json(created)["shipping_id"];
  auto stored = ferretdb()["deliveries"]["shippings"].find_one({{"_id", object_id(id)}});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)["status"], "pending");
  // No function answers here: the shipping is stored and the reply says the route is not
  // requested yet.
  EXPECT_EQ(json(created)["route_requested"], false);
  auto missing_items =
      client.Post("/shippings", state, R"({"customer_id": "c-1", "address": "x", "items": []})",
                  "application/json");
  ASSERT_TRUE(missing_items);
  EXPECT_EQ(missing_items->status, 400);
  EXPECT_EQ(json(missing_items)["details"][0]["type"], "too_short");
}

TEST_F(DemoApiTest, ShippingsPostWithAnIdempotencyKeyCreatesOnce) {
  auto client = server_->client();
  // A key of this process: each test case is its own process, and the ASan pass reruns it.
  std::string key = "test-" + std::to_string(::getpid());
  httplib::Headers headers = {{"constitution-state", "connecticut"}, {"Idempotency-Key", key}};
  const std::string body = R"({"customer_id": "c-7", "address": "7 Elm St", "items": ["box"]})";
  auto shippings = ferretdb()["deliveries"]["shippings"];
  auto before = shippings.count_documents({{"customer_id", "c-7"}});
  auto first = client.Post("/shippings", headers, body, "application/json");
  auto second = client.Post("/shippings", headers, body, "application/json");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 201) << first->body;
  EXPECT_EQ(second->status, 201);
  EXPECT_EQ(second->body, first->body);  // the same shipping_id
  EXPECT_EQ(second->get_header_value("Idempotent-Replayed"), "true");
  EXPECT_EQ(shippings.count_documents({{"customer_id", "c-7"}}), before + 1);
  // The key with another body is refused.
  auto other = client.Post("/shippings", headers,
                           R"({"customer_id": "c-8", "address": "8 Elm St", "items": ["box"]})",
                           "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 422) << other->body;
}

TEST_F(DemoApiTest, AdminOnlyEndpoint) {
  auto client = server_->client();
  EXPECT_EQ(client.Get("/admin/stats")->status, 401);
  auto reader = client.Get("/admin/stats", {{"Authorization", "Bearer reader-token"}});
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
  EXPECT_EQ(json(reader)["message"], "Admin access required");
  auto admin = client.Get("/admin/stats", {{"Authorization", "Bearer admin-secret"}});
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200) << admin->body;
  EXPECT_EQ(json(admin)["constitutions"], 4);
}

// The demo as a 1.15 estate runs it: JWTs from core, a permission-guarded route, audited writes
// with the token's user as author, and a service setting read from core.
class DemoJwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    (void)ferretdb()["analytics_db"]["reports"].delete_many(Json::object());
    key_ = std::make_unique<testing::RsaKey>();
    core_ = std::make_unique<testing::CoreStub>();
    core_->reply("/service-settings",
                 R"({"settings": {"reports_title_prefix": "Q4: ", "reports_page_size": 2}})");
    server_ = std::make_unique<testing::LocalServer>(
        DEMO_BOOTSTRAP, std::vector<std::string>{},
        std::map<std::string, std::string>{{"AUTH_STRATEGY", "jwt"},
                                           {"JWT_PUBLIC_KEY", key_->public_pem()},
                                           {"SERVICE_CODE", "demo"},
                                           {"CORE_API_URL", core_->url()},
                                           {"INTER_SERVICE_TOKEN", "demo-to-core"},
                                           {"AUTH_BYPASS_TOKEN", "admin-secret"}});
  }
  static void TearDownTestSuite() {
    server_.reset();
    core_.reset();
    key_.reset();
  }
  static httplib::Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static std::string token(const Json& permissions) {
    Json claims = testing::core_claims("65f1a2b3c4d5e6f7a8b9c0aa");
    claims["extra"] = {{"permissions", permissions}};
    return key_->sign({{"typ", "JWT"}}, claims);
  }
  static std::unique_ptr<testing::RsaKey> key_;
  static std::unique_ptr<testing::CoreStub> core_;
  static std::unique_ptr<testing::LocalServer> server_;
};
std::unique_ptr<testing::RsaKey> DemoJwtTest::key_;
std::unique_ptr<testing::CoreStub> DemoJwtTest::core_;
std::unique_ptr<testing::LocalServer> DemoJwtTest::server_;

TEST_F(DemoJwtTest, APermissionGuardedRouteWritesAnAuditedReport) {
  auto client = server_->client();
  const std::string body = R"({"title": "Sales"})";
  EXPECT_EQ(client.Post("/reports", body, "application/json")->status, 401);
  // A valid JWT without the grant: 403; with it: the report, its author the token's user.
  auto denied = client.Post("/reports", bearer(token(Json::array({"demo:GET /reports"}))), body,
                            "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403) << denied->body;
  auto created = client.Post("/reports", bearer(token(Json::array({"demo:POST /reports"}))), body,
                             "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  Json report = Json::parse(created->body)["data"];
  EXPECT_EQ(report["title"], "Q4: Sales");  // the prefix is core's setting
  EXPECT_EQ(report["status"], "draft");
  auto stored = ferretdb()["analytics_db"]["reports"].find_one({{"title", "Q4: Sales"}});
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)["created_by"],
            Json::parse(R"({"type": "user", "id": "65f1a2b3c4d5e6f7a8b9c0aa", "name": "Ana"})"));
  EXPECT_EQ((*stored)["updated_by"], (*stored)["created_by"]);
  EXPECT_TRUE((*stored)["created_at"].contains("$date"));
  // A status outside the repository's set is refused before anything is written.
  auto bad = client.Post("/reports", bearer(token(Json::array({"demo:*"}))),
                         R"({"title": "Bad", "status": "deleted"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_EQ(ferretdb()["analytics_db"]["reports"].count_documents({{"title", "Q4: Bad"}}), 0);
  // The settings were read from core once, as the service, with its token.
  EXPECT_EQ(core_->calls("/service-settings"), 1);
  EXPECT_EQ(core_->seen().at(0).query_service, "demo");
  EXPECT_EQ(core_->seen().at(0).authorization, "Bearer demo-to-core");
}

TEST_F(DemoJwtTest, TheListShowsAuditFieldsAndHonoursThePageSizeSetting) {
  auto client = server_->client();
  for (const char* title : {"a", "b", "c"}) {
    auto created = client.Post("/reports", bearer(token(Json::array({"demo:POST /reports"}))),
                               Json{{"title", title}}.dump(), "application/json");
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
  }
  auto listed = client.Get("/reports", bearer(token(Json::array({"demo:GET /reports"}))));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  Json page = Json::parse(listed->body);
  EXPECT_EQ(page["page_size"], 2);
  ASSERT_EQ(page["data"].size(), 2U);
  EXPECT_EQ(page["data"][0]["created_by"], Json::parse(R"({"name": "Ana", "type": "user"})"));
  EXPECT_TRUE(page["data"][0]["created_at"].get<std::string>().ends_with("+00:00"));
  // A token that is not one of core's: refused. The bypass token still works (as Python).
  Json forged = testing::core_claims();
  forged["extra"] = {{"permissions", Json::array({"*"})}};
  auto unsigned_token =
      testing::base64url(R"({"alg":"none"})") + "." + testing::base64url(forged.dump()) + ".";
  EXPECT_EQ(client.Get("/reports", bearer(unsigned_token))->status, 401);
  EXPECT_EQ(client.Get("/admin/stats", bearer("admin-secret"))->status, 200);
}

// ApiClient, as another service would call the demo: MICROSERVICE_URLS, the bypass token.
class ApiClientTest : public DemoApiTest {
 protected:
  void SetUp() override {
    ::setenv(
        "MICROSERVICE_URLS",
        (R"({"demo": "http://127.0.0.1:)" + std::to_string(server_->port()) + R"(/"})").c_str(), 1);
    ::unsetenv("INTER_SERVICE_TOKEN");
    ::setenv("AUTH_BYPASS_TOKEN", "admin-secret", 1);
  }
  void TearDown() override {
    for (const char* name : {"MICROSERVICE_URLS", "INTER_SERVICE_TOKEN", "AUTH_BYPASS_TOKEN"}) {
      ::unsetenv(name);
    }
  }
};

TEST_F(ApiClientTest, CallsTheDemoWithTheServiceToken) {
  ApiClient demo("demo");
  auto page = demo.list("/constitutions", {{"country", "us"}, {"limit", 1}});
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["data"].size(), 1U);
  EXPECT_EQ(demo.get("admin/stats")["constitutions"], 4);  // the bypass token is admin

  auto created = demo.post("/users", {{"name", "Grace"}, {"email", "grace@example.com"}});
  auto id = created["data"]["_id"].get<std::string>();
  EXPECT_EQ(demo.get("/users/" + id)["data"]["name"], "Grace");
  EXPECT_EQ(demo.put("/users/" + id, {{"role", "admin"}})["data"]["role"], "admin");
  static_cast<void>(demo.del("/users/" + id));
  try {
    static_cast<void>(demo.get("/users/" + id));
    FAIL() << "no error";
  } catch (const ApiResponseError& error) {
    EXPECT_EQ(error.status_code(), 404);
    EXPECT_EQ(Json::parse(error.response_body())["error"], "Not Found");
  }
  try {
    static_cast<void>(demo.post("/users", {{"name", ""}}));
    FAIL() << "no error";
  } catch (const ApiResponseError& error) {
    EXPECT_EQ(error.status_code(), 400);
  }
}

TEST_F(ApiClientTest, InterServiceTokenWinsAndHeadersCanOverride) {
  ::setenv("INTER_SERVICE_TOKEN", "reader-token", 1);
  try {
    static_cast<void>(ApiClient("demo").get("/admin/stats"));
    FAIL() << "no error";
  } catch (const ApiResponseError& error) {
    EXPECT_EQ(error.status_code(), 403);
  }
  ApiClient as_admin("demo", {{"Authorization", "Bearer admin-secret"}});
  EXPECT_EQ(as_admin.get("/admin/stats")["constitutions"], 4);
}

TEST_F(ApiClientTest, ConfigurationErrorsNameTheProblemAtTheFirstRequest) {
  ApiClient missing("billing");  // resolved when used, as Python 1.11
  try {
    static_cast<void>(missing.get("/users"));
    FAIL() << "no error";
  } catch (const ServiceNotConfiguredError& error) {
    EXPECT_NE(std::string(error.what()).find("MICROSERVICE_URLS names only: demo"),
              std::string::npos)
        << error.what();
  }
  ::setenv("MICROSERVICE_URLS", "{not json", 1);
  EXPECT_THROW(static_cast<void>(ApiClient("demo").get("/users")), ServiceNotConfiguredError);
  ::unsetenv("MICROSERVICE_URLS");
  EXPECT_THROW(static_cast<void>(ApiClient("demo").get("/users")), ServiceNotConfiguredError);
}

TEST_F(ApiClientTest, SendsStateQueryAndBodyAndTimesOut) {
  httplib::Server other;
  std::mutex mutex;
  Json seen;
  other.Post("/echo", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    seen = {{"state", req.get_header_value("constitution-state")},
            {"authorization", req.get_header_value("Authorization")},
            {"content_type", req.get_header_value("Content-Type")},
            {"body", Json::parse(req.body)}};
    res.set_content("plain text reply", "text/plain");
  });
  other.Get("/query", [](const httplib::Request& req, httplib::Response& res) {
    Json params = Json::object();
    for (const auto& [key, value] : req.params) params[key].push_back(value);
    res.set_content(params.dump(), "application/json");
  });
  other.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    res.set_content("{}", "application/json");
  });
  int port = other.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { other.listen_after_bind(); });
  while (!other.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::setenv("MICROSERVICE_URLS",
           (R"({"other": "http://127.0.0.1:)" + std::to_string(port) + R"("})").c_str(), 1);

  ApiClient client("other", {}, std::chrono::milliseconds(300));
  {
    SessionScope scope{Session{"ohio", std::nullopt}};
    auto reply = client.post("echo", {{"id", object_id("65f1a2b3c4d5e6f7a8b9c0d1")}});
    EXPECT_EQ(reply, "plain text reply");
  }
  EXPECT_EQ(seen["state"], "ohio");
  EXPECT_EQ(seen["authorization"], "Bearer admin-secret");
  EXPECT_EQ(seen["content_type"], "application/json");
  EXPECT_EQ(seen["body"], (Json{{"id", "65f1a2b3c4d5e6f7a8b9c0d1"}}));
  auto query = client.get("/query", {{"q", "a b&c"}, {"tag", {"x", "y"}}, {"n", 2}, {"on", true}});
  EXPECT_EQ(query, (Json{{"n", {"2"}}, {"on", {"true"}}, {"q", {"a b&c"}}, {"tag", {"x", "y"}}}));
  try {
    static_cast<void>(client.get("/slow"));
    FAIL() << "no error";
  } catch (const ApiResponseError&) {
    FAIL() << "a timeout is not a response";
  } catch (const ApiClientError& error) {
    EXPECT_NE(std::string(error.what()).find("Timeout calling GET"), std::string::npos)
        << error.what();
  }
  other.stop();
  thread.join();
  EXPECT_THROW(static_cast<void>(client.get("/query")), ApiClientError);  // nothing listens
}

}  // namespace
}  // namespace aws_helper
