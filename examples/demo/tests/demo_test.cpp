// The demo's own tests, as a service writes them: its handlers run in-process through
// aws_helper/testing.hpp, the ones that use MongoDB against the one in MONGODB_URI (FerretDB,
// started by the test script).
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/testing.hpp>

namespace t = aws_helper::testing;

TEST(DemoTest, QuoteShippingLambda) {
  auto reply = t::invoke("lambda:quote-shipping",
                         t::events::lambda_event({{"weight_kg", 2}, {"distance_km", 10}}));
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"]["currency"], "USD");
}

TEST(DemoTest, ShippingQuotesApiCoercesTheQuery) {
  auto reply = t::request("GET", "/shipping-quotes?weight_kg=2.5&distance_km=120");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_GT(reply.json()["data"]["price"].get<double>(), 0);
  EXPECT_EQ(t::request("GET", "/shipping-quotes?weight_kg=heavy").status, 400);
}

TEST(DemoTest, HeartbeatSaysWhatStartedIt) {
  auto reply = t::invoke("lambda:heartbeat", t::events::schedule_event("nightly"));
  EXPECT_EQ(reply["data"]["trigger"], "schedule");
}

TEST(DemoTest, UsersAreStoredAndReadBack) {
  auto created =
      t::request("POST", "/users", aws_helper::Json{{"name", "Ana"}, {"email", "ana@example.com"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["data"]["_id"].get<std::string>();
  auto read = t::request("GET", "/users/" + id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["data"]["name"], "Ana");
  EXPECT_EQ(t::request("DELETE", "/users/" + id).status, 204);
  EXPECT_EQ(t::request("GET", "/users/" + id).status, 404);
}

TEST(DemoTest, AnUnknownHandlerIsNamed) {
  EXPECT_THROW((void)t::invoke("lambda:nope", aws_helper::Json::object()), std::invalid_argument);
}
