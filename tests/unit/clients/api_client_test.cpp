// ApiClient without peers: where a service's URL comes from (MICROSERVICE_URLS, CORE_API_URL,
// core's registry through a local core stub) and the header checks before sending. Calls to a
// running service are in tests/integration/demo_api_test.cpp.
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/api_client.hpp>
#include <aws_helper/trace.hpp>

#include "clients/service_registry.hpp"
#include "support/core_stub.hpp"

namespace aws_helper {
namespace {

using testing::CoreStub;

class ApiClientRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    detail::forget_service_urls();
    ::unsetenv("MICROSERVICE_URLS");
    ::setenv("CORE_API_URL", (core.url() + "/").c_str(), 1);  // a trailing slash is dropped
    ::setenv("INTER_SERVICE_TOKEN", "inter-token", 1);
    core.reply("/services", R"({"services": [
        {"code": "orders", "api_url": ")" +
                                core.url() + R"(/orders-api/"},
        {"code": "drafts", "api_url": null},
        {"code": "ftp", "api_url": "ftp://example.com"}]})");
    core.reply("/orders-api/ping", R"({"from": "orders"})");
    core.reply("/ping", R"({"from": "core"})");
  }
  void TearDown() override {
    ::unsetenv("CORE_API_URL");
    ::unsetenv("MICROSERVICE_URLS");
    ::unsetenv("INTER_SERVICE_TOKEN");
    detail::forget_service_urls();
  }
  CoreStub core;
};

TEST_F(ApiClientRegistryTest, TheRegistryIsReadAtTheFirstRequestAndOncePerContainer) {
  ApiClient orders("orders");
  EXPECT_EQ(core.calls("/services"), 0);  // constructing asks nobody
  EXPECT_EQ(orders.get("/ping")["from"], "orders");
  EXPECT_EQ(ApiClient("orders").get("ping")["from"], "orders");
  EXPECT_EQ(orders.base_url(), core.url() + "/orders-api");
  EXPECT_EQ(core.calls("/services"), 1);
  // The registry is asked with the inter-service token.
  for (const auto& seen : core.seen()) {
    if (seen.path == "/services") {
      EXPECT_EQ(seen.authorization, "Bearer inter-token");
    }
  }
}

TEST_F(ApiClientRegistryTest, CoreIsCoreApiUrlWithoutAskingTheRegistry) {
  EXPECT_EQ(ApiClient("core").get("/ping")["from"], "core");
  EXPECT_EQ(resolve_service_url("core"), core.url());
  EXPECT_EQ(core.calls("/services"), 0);
}

TEST_F(ApiClientRegistryTest, MicroserviceUrlsWinsForTheNamesItHas) {
  core.reply("/override/ping", R"({"from": "override"})");
  ::setenv("MICROSERVICE_URLS", (R"({"orders": ")" + core.url() + R"(/override"})").c_str(), 1);
  EXPECT_EQ(ApiClient("orders").get("/ping")["from"], "override");
  EXPECT_EQ(core.calls("/services"), 0);
  // A name the override does not have still comes from core.
  core.reply("/services",
             R"({"services": [{"code": "billing", "api_url": ")" + core.url() + R"(/override"}]})");
  EXPECT_EQ(resolve_service_url("billing"), core.url() + "/override");
  EXPECT_EQ(core.calls("/services"), 1);
}

TEST_F(ApiClientRegistryTest, ANameCoreDoesNotKnowAsksAgainNextTime) {
  ApiClient billing("billing");
  try {
    static_cast<void>(billing.get("/ping"));
    FAIL() << "no error";
  } catch (const ServiceNotConfiguredError& error) {
    EXPECT_STREQ(error.what(),
                 "Core does not know a service called 'billing'. Registered: orders. A service "
                 "appears there when it deploys");
    EXPECT_EQ(error.http_status(), 500);
  }
  core.reply("/services", R"({"services": [{"code": "billing", "api_url": ")" + core.url() +
                              R"(/orders-api"}]})");
  EXPECT_EQ(billing.get("/ping")["from"], "orders");
  EXPECT_EQ(core.calls("/services"), 2);
  EXPECT_EQ(resolve_service_url("orders"), core.url() + "/orders-api");  // kept from the first
  EXPECT_EQ(core.calls("/services"), 2);
}

TEST_F(ApiClientRegistryTest, ACoreThatFailsIsAnApiClientErrorAndNothingIsKept) {
  core.reply("/services", "{}", 500);
  try {
    static_cast<void>(resolve_service_url("orders"));
    FAIL() << "no error";
  } catch (const ServiceNotConfiguredError&) {
    FAIL() << "a failing core is not a configuration problem";
  } catch (const ApiClientError& error) {
    EXPECT_NE(std::string(error.what()).find("Could not read the service registry"),
              std::string::npos)
        << error.what();
    EXPECT_EQ(error.http_status(), 502);
  }
  core.reply("/services", R"({"registry": []})");
  EXPECT_THROW(static_cast<void>(resolve_service_url("orders")), ApiClientError);
  core.reply("/services", "not json");
  EXPECT_THROW(static_cast<void>(resolve_service_url("orders")), ApiClientError);
  ::setenv("CORE_API_URL", "http://127.0.0.1:1", 1);  // nothing listens
  EXPECT_THROW(static_cast<void>(resolve_service_url("orders")), ApiClientError);
}

TEST_F(ApiClientRegistryTest, WithNeitherSourceTheErrorNamesBothVariables) {
  ::unsetenv("CORE_API_URL");
  ApiClient orders("orders");  // still constructs
  try {
    static_cast<void>(orders.get("/ping"));
    FAIL() << "no error";
  } catch (const ServiceNotConfiguredError& error) {
    EXPECT_STREQ(error.what(),
                 "Service 'orders' has no URL: CORE_API_URL (core's service registry) is not "
                 "set and MICROSERVICE_URLS is not set either");
  }
  ::setenv("MICROSERVICE_URLS", R"({"users": "http://127.0.0.1:1", "demo": "http://x"})", 1);
  try {
    static_cast<void>(resolve_service_url("orders"));
    FAIL() << "no error";
  } catch (const ServiceNotConfiguredError& error) {
    EXPECT_NE(std::string(error.what()).find("MICROSERVICE_URLS names only: users, demo"),
              std::string::npos)
        << error.what();
  }
  ::setenv("MICROSERVICE_URLS", "{not json", 1);
  EXPECT_THROW(static_cast<void>(resolve_service_url("orders")), ServiceNotConfiguredError);
  ::setenv("MICROSERVICE_URLS", R"({"orders": "ftp://x"})", 1);
  EXPECT_THROW(static_cast<void>(resolve_service_url("orders")), ServiceNotConfiguredError);
}

// A header that would split the request line is refused before anything is sent: CR and LF,
// and NUL too (the copy of this check here had missed NUL; curl would cut the value at it).
TEST(ApiClientHeadersTest, HeadersWithCrLfOrNulAreRefused) {
  ::setenv("MICROSERVICE_URLS", R"({"orders": "http://127.0.0.1:1"})", 1);
  for (std::string value :
       {std::string("a\r\nX-Evil: 1"), std::string("a\nb"), std::string("a\0b", 3)}) {
    try {
      ApiClient client("orders", {{"X-Trace", value}});
      ADD_FAILURE() << "accepted a header with a line break or NUL";
    } catch (const ValueError& error) {
      EXPECT_STREQ(error.what(), "Header 'X-Trace' contains CR, LF or NUL");
    }
  }
  EXPECT_NO_THROW(ApiClient("orders", {{"X-Trace", "a b\tc"}}));
  ::unsetenv("MICROSERVICE_URLS");
}

// The current trace goes as X-Amzn-Trace-Id, so the service called (behind API Gateway or an
// ALB, which pass it on) continues it; a header given to the constructor wins.
TEST(ApiClientHeadersTest, RequestsCarryTheCurrentTrace) {
  httplib::Server server;
  server.set_keep_alive_max_count(1);
  std::mutex mutex;
  std::vector<std::string> seen;
  server.Get("/ping", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    seen.push_back(req.has_header("X-Amzn-Trace-Id") ? req.get_header_value("X-Amzn-Trace-Id")
                                                     : "(none)");
    res.set_content("{}", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::setenv("MICROSERVICE_URLS",
           (R"({"orders": "http://127.0.0.1:)" + std::to_string(port) + R"("})").c_str(), 1);
  const std::string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8";
  static_cast<void>(ApiClient("orders").get("/ping"));
  {
    trace::Scope scope{header};
    static_cast<void>(ApiClient("orders").get("/ping"));
    static_cast<void>(ApiClient("orders", {{"X-Amzn-Trace-Id", "Root=mine"}}).get("/ping"));
  }
  ::unsetenv("MICROSERVICE_URLS");
  server.stop();
  thread.join();
  EXPECT_EQ(seen, (std::vector<std::string>{"(none)", header, "Root=mine"}));
}

}  // namespace
}  // namespace aws_helper
