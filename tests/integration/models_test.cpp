// ModelQueryLambda under the emulator against FerretDB: finds, projections, limits, pipelines,
// refusals as envelopes.
#include <gtest/gtest.h>

#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>

#include "support/emulator.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;

Cluster& ferretdb() {
  const char* uri = std::getenv("AWS_HELPER_FERRETDB_URI");
  static Cluster cluster(uri != nullptr ? uri
                                        : "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100");
  if (uri == nullptr)
    ADD_FAILURE() << "AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test";
  return cluster;
}

constexpr const char* kFirst = "65f1a2b3c4d5e6f7a8b9c001";

class ModelQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = ferretdb();
    static_cast<void>(db["core"]["states"].update_one({{"name", "vermont"}},
                                                      {{"$set", {{"is_active", true}}}}, true));
    static_cast<void>(db["vermont"].run_command({{"dropDatabase", 1}}));
    std::vector<Json> orders;
    for (int i = 1; i <= 7; ++i) {
      auto hex = std::string(kFirst).substr(0, 22) + (i < 10 ? "0" : "") + std::to_string(i);
      orders.push_back({{"_id", object_id(hex)},
                        {"n", i},
                        {"status", i % 2 == 0 ? "open" : "closed"},
                        {"amount", i * 10}});
    }
    static_cast<void>(db["vermont"]["orders"].insert_many(orders));
    static_cast<void>(db["vermont"]["users"].insert_one({{"secret", true}}));
    emulator_ = std::make_unique<Emulator>(TEST_SERVICE_BOOTSTRAP, "lambda:model-query");
  }
  static void TearDownTestSuite() { emulator_.reset(); }

  static Json query(Json payload) {
    if (!payload.contains("session")) payload["session"] = {{"state", "vermont"}};
    auto reply = emulator_->invoke(payload.dump());
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json::parse(reply.body);
  }
  static std::unique_ptr<Emulator> emulator_;
};
std::unique_ptr<Emulator> ModelQueryTest::emulator_;

TEST_F(ModelQueryTest, FindsByHexIdAndReturnsPlainJson) {
  auto reply = query({{"collection", "orders"}, {"filter", {{"id", kFirst}}}});
  ASSERT_EQ(reply["success"], true) << reply.dump();
  ASSERT_EQ(reply["data"].size(), 1U);
  EXPECT_EQ(reply["data"][0]["_id"], kFirst);
  EXPECT_EQ(reply["data"][0]["n"], 1);
  auto in =
      query({{"collection", "orders"},
             {"filter", {{"$or", {{{"_id", {{"$in", {kFirst, "65f1a2b3c4d5e6f7a8b9c002"}}}}}}}}}});
  EXPECT_EQ(in["data"].size(), 2U) << in.dump();
}

TEST_F(ModelQueryTest, FilterFieldsSkipLimitAndTheMaximum) {
  auto reply = query({{"collection", "orders"},
                      {"filter", {{"status", "closed"}}},
                      {"fields", {{"n", 1}, {"_id", 0}}},
                      {"skip", 1},
                      {"limit", 2}});
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"], Json::parse(R"([{"n": 3}, {"n": 5}])"));
  // No limit given: the maximum (5 for this Lambda) applies.
  EXPECT_EQ(query({{"collection", "orders"}})["data"].size(), 5U);
  auto over = query({{"collection", "orders"}, {"limit", 6}});
  EXPECT_EQ(over["success"], false);
  EXPECT_EQ(over["error"], "'limit' 6 is over the maximum of 5");
}

TEST_F(ModelQueryTest, PipelinesRunWithTheirMatchCoercedAndTheMaximumAppended) {
  auto reply =
      query({{"collection", "orders"}, {"pipeline", Json::parse(R"([{"$match": {"status": "open"}},
                                                  {"$group": {"_id": null, "total": {"$sum": "$amount"}}}])")}});
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"][0]["total"], 120);
  auto by_id =
      query({{"collection", "orders"},
             {"pipeline", Json::parse(R"([{"$match": {"_id": "65f1a2b3c4d5e6f7a8b9c001"}}])")}});
  EXPECT_EQ(by_id["data"].size(), 1U) << by_id.dump();
  EXPECT_EQ(query({{"collection", "orders"}, {"pipeline", Json::array()}})["data"].size(), 5U);
}

TEST_F(ModelQueryTest, RefusalsAreEnvelopes) {
  auto users = query({{"collection", "users"}});
  EXPECT_EQ(users["success"], false);
  EXPECT_EQ(users["error_type"], "ValueError");
  EXPECT_EQ(users["error"], "Collection 'users' is not allowed. Allowed: orders, customers");
  auto out = query({{"collection", "orders"}, {"pipeline", Json::parse(R"([{"$out": "users"}])")}});
  EXPECT_EQ(out["error"], "Pipeline stage '$out' is not allowed (it writes)");
  auto both =
      query({{"collection", "orders"}, {"pipeline", Json::array()}, {"fields", {{"n", 1}}}});
  EXPECT_EQ(both["error"], "'fields' cannot be used together with 'pipeline'");
  auto bad_id = query({{"collection", "orders"}, {"filter", {{"_id", "zzz"}}}});
  EXPECT_EQ(bad_id["error"], "'_id' value 'zzz' is not a valid ObjectId");
  auto no_session = emulator_->invoke(R"({"collection": "orders"})");
  EXPECT_EQ(Json::parse(no_session.body)["error"],
            "'session' with 'state' is required in the event");
  auto unknown_state = query({{"collection", "orders"}, {"session", {{"state", "atlantis"}}}});
  EXPECT_EQ(unknown_state["error_type"], "InvalidStateError");
}

TEST_F(ModelQueryTest, AWhitelistedLookupPassesValidation) {
  // FerretDB 1.x has no $lookup: the framework lets a whitelisted lookup through to the server,
  // and the server's refusal comes back as an envelope, not a validation error. (A collection
  // outside the list never reaches the server: see RefusalsAreEnvelopes and the unit tests.)
  auto reply =
      query({{"collection", "orders"},
             {"pipeline", Json::parse(R"([{"$lookup": {"from": "customers", "localField": "c",
                                                    "foreignField": "_id", "as": "customer"}}])")}});
  if (reply["success"] == true) {
    EXPECT_EQ(reply["data"].size(), 5U);
  } else {
    EXPECT_NE(reply["error_type"], "ValueError") << reply.dump();
    EXPECT_EQ(reply["error"].get<std::string>().find("not allowed"), std::string::npos)
        << reply.dump();
  }
}

}  // namespace
}  // namespace aws_helper
