// The service's handlers run in-process, as Lambda runs them (aws_helper/testing.hpp), against
// the MongoDB in MONGODB_URI (scripts/test starts a FerretDB for the run).
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/env.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/testing.hpp>

namespace t = aws_helper::testing;
using aws_helper::Json;

TEST(HelloLambda, SaysHello) {
  auto reply = t::invoke("lambda:hello", t::events::lambda_event({{"name", "Ana"}}));
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"]["hello"], "Ana");
}

TEST(ItemsApi, CreateListAndRead) {
  auto created = t::request("POST", "/items", Json{{"name", "pen"}, {"quantity", 2}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["data"]["_id"].get<std::string>();
  auto read = t::request("GET", "/items/" + id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["data"]["name"], "pen");
  EXPECT_EQ(t::request("GET", "/items").status, 200);
}

TEST(ItemsApi, RefusesAnInvalidItem) {
  auto refused = t::request("POST", "/items", Json{{"quantity", 0}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json()["details"].size(), 2U) << refused.body;  // name missing, quantity < 1
  EXPECT_EQ(t::request("GET", "/items/65f1a2b3c4d5e6f7a8b9c0d1").status, 404);
}

TEST(EventsConsumer, StoresEachMessageInItsStatesDatabase) {
  // A state is a tenant: records name it in their session, and it must be active in core.
  aws_helper::Cluster mongo(aws_helper::require_env("MONGODB_URI"));
  (void)mongo["core"]["states"].update_one({{"name", "sandbox"}}, {{"$set", {{"is_active", true}}}},
                                           true);
  t::events::SqsInput input;
  input.bodies = {R"({"kind": "hello"})"};
  input.session.state = "sandbox";
  auto reply = t::invoke("sqs:events", t::events::sqs_event(input));
  EXPECT_EQ(reply["batchItemFailures"], Json::array()) << reply.dump();
  EXPECT_TRUE(mongo["sandbox"]["events"].find_one({{"message.kind", "hello"}}));
}
