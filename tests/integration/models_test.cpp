// ModelQueryLambda under the emulator against FerretDB: finds, projections, limits, pipelines,
// refusals as envelopes.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/document.hpp>
#include <aws_helper/model_index_sync.hpp>
#include <aws_helper/mongo.hpp>

#include "support/emulator.hpp"
#include "support/peers.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;

using testing::ferretdb;

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
    static_cast<void>(db["vermont"]["accounts"].insert_one(
        Json::parse(R"({"name": "Ada", "password": "h4sh", "profile": {"city": "Burlington",
                        "ssn": "078-05-1120"}})")));
    static_cast<void>(db["mq_other"].run_command({{"dropDatabase", 1}}));
    static_cast<void>(db["mq_other"]["orders"].insert_one({{"n", 100}, {"where", "other"}}));
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

TEST_F(ModelQueryTest, ADatabaseFieldQueriesThatDatabaseWithTheSameRules) {
  auto reply = query({{"collection", "orders"},
                      {"database", "mq_other"},
                      {"service", "billing"},
                      {"fields", {{"_id", 0}}}});
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"], Json::parse(R"([{"n": 100, "where": "other"}])"));
  // The collection list applies there too, and system databases are refused.
  EXPECT_EQ(query({{"collection", "users"}, {"database", "mq_other"}})["error_type"], "ValueError");
  auto admin = query({{"collection", "orders"}, {"database", "admin"}});
  EXPECT_EQ(admin["error"], "Database 'admin' is not valid: it names a MongoDB system database");
  // The caller is logged (Python's `service`).
  EXPECT_NE(emulator_->output().find("for service billing"), std::string::npos);
}

TEST_F(ModelQueryTest, ExcludedFieldsNeverLeave) {
  auto whole = query({{"collection", "accounts"}});
  ASSERT_EQ(whole["success"], true) << whole.dump();
  ASSERT_EQ(whole["data"].size(), 1U);
  EXPECT_FALSE(whole["data"][0].contains("password")) << whole.dump();
  EXPECT_EQ(whole["data"][0]["profile"], Json::parse(R"({"city": "Burlington"})"));
  auto asked = query({{"collection", "accounts"}, {"fields", {{"name", 1}, {"password", 1}}}});
  ASSERT_EQ(asked["success"], true) << asked.dump();
  EXPECT_EQ(asked["data"][0].size(), 2U) << asked.dump();  // _id and name
  EXPECT_EQ(asked["data"][0]["name"], "Ada");
  auto only_hidden = query({{"collection", "accounts"}, {"fields", {{"password", 1}}}});
  EXPECT_EQ(only_hidden["data"][0].size(), 1U) << only_hidden.dump();  // _id alone
  EXPECT_EQ(query({{"collection", "accounts"}, {"pipeline", Json::array()}})["error"],
            "Collection 'accounts' hides fields, so it cannot be queried with a pipeline. Use "
            "'filter' instead.");
  EXPECT_EQ(query({{"collection", "accounts"}, {"filter", {{"password", "h4sh"}}}})["success"],
            false);
}

TEST_F(ModelQueryTest, RefusalsAreEnvelopes) {
  auto users = query({{"collection", "users"}});
  EXPECT_EQ(users["success"], false);
  EXPECT_EQ(users["error_type"], "ValueError");
  EXPECT_EQ(users["error"],
            "Collection 'users' is not allowed. Allowed: orders, customers, accounts");
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

// ---- ModelIndexSyncLambda, run in-process against FerretDB -----------------------------------

class StateOrders : public Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "orders"; }
  [[nodiscard]] std::vector<IndexSpec> indexes() const override {
    return {{.keys = {{"order_id", 1}}, .unique = true}, {.keys = {{"created_at", -1}}}};
  }
};
class FixedTowns : public Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "towns"; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return "idx_fixed"; }
  [[nodiscard]] std::vector<IndexSpec> indexes() const override {
    return {{.keys = {{"name", 1}}}};
  }
};
class ExternalNoDatabase : public Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "addresses"; }
  [[nodiscard]] bool is_external() const override { return true; }
  [[nodiscard]] std::optional<std::string> cluster_name() const override { return "Elsewhere"; }
};
class BrokenIndexes : public Repository {  // a key pattern the server refuses
 public:
  [[nodiscard]] std::string collection_name() const override { return "broken"; }
  [[nodiscard]] std::vector<IndexSpec> indexes() const override {
    return {{.keys = {{"a", true}}, .name = "a_bool"}};
  }
};

class TestIndexSync : public ModelIndexSyncLambda {
 public:
  [[nodiscard]] std::vector<RepositoryFactory> repositories() const override {
    return repositories_of<StateOrders, FixedTowns, ExternalNoDatabase, BrokenIndexes>();
  }
  [[nodiscard]] std::string states_database() const override { return "idx_core"; }
};

Json run_sync(ModelIndexSyncLambda& lambda, const Json& event = Json::object()) {
  return run_lambda(lambda, event, runtime::InvocationContext{}, "TestIndexSync");
}

std::vector<std::string> index_names(const std::string& database, const std::string& collection) {
  std::vector<std::string> names;
  for (const auto& index : ferretdb()[database][collection].list_indexes()) {
    names.push_back(index["name"]);
  }
  std::sort(names.begin(), names.end());
  return names;
}

const Json* unit_of(const Json& reply, const std::string& repository, const std::string& database) {
  for (const auto& result : reply["data"]["results"]) {
    if (result["repository"] == repository && result["database"] == database) return &result;
  }
  return nullptr;
}

class IndexSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* name :
         {"idx_core", "idx_alpha", "idx_beta", "idx_gamma", "idx_delta", "idx_fixed"}) {
      static_cast<void>(ferretdb()[name].run_command({{"dropDatabase", 1}}));
    }
    static_cast<void>(ferretdb()["idx_core"]["states"].insert_many(
        {{{"name", "idx_alpha"}, {"is_active", true}},
         // Marked the way Python 1.8.1 and later core data marks it: status only.
         {{"name", "idx_beta"}, {"status", "active"}},
         {{"name", "idx_gamma"}, {"is_active", false}},
         {{"name", "idx_delta"}, {"status", "inactive"}}}));
  }
};

TEST_F(IndexSyncTest, IndexesLandInExactlyTheRightDatabasesAndFailuresAreReported) {
  TestIndexSync sync;
  auto reply = run_sync(sync);
  EXPECT_EQ(reply["success"], false) << reply.dump();
  EXPECT_EQ(reply["error_type"], "IndexSyncFailed");
  // 2 states x (orders, broken) + towns + the external one.
  EXPECT_EQ(reply["data"]["summary"], (Json{{"total", 6}, {"succeeded", 3}, {"failed", 3}}));
  std::vector<std::string> orders_indexes = {"_id_", "created_at_-1", "order_id_1"};
  EXPECT_EQ(index_names("idx_alpha", "orders"), orders_indexes);
  EXPECT_EQ(index_names("idx_beta", "orders"), orders_indexes);
  EXPECT_EQ(index_names("idx_fixed", "towns"), (std::vector<std::string>{"_id_", "name_1"}));
  for (const char* inactive : {"idx_gamma", "idx_delta"}) {
    EXPECT_TRUE(index_names(inactive, "orders").empty() ||
                index_names(inactive, "orders") == std::vector<std::string>{"_id_"});
  }
  const Json* external = nullptr;  // its database is null: found by name
  for (const auto& result : reply["data"]["results"]) {
    if (result["repository"] == "ExternalNoDatabase") external = &result;
  }
  ASSERT_NE(external, nullptr);
  EXPECT_NE((*external)["error"].get<std::string>().find("names no database"), std::string::npos);
  const auto* broken = unit_of(reply, "BrokenIndexes", "idx_alpha");
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ((*broken)["success"], false);
  EXPECT_NE((*broken)["error"].get<std::string>().find("a_bool"), std::string::npos)
      << broken->dump();
  const auto* orders = unit_of(reply, "StateOrders", "idx_beta");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ((*orders)["success"], true);
  EXPECT_EQ((*orders)["collection"], "orders");

  // A second run changes nothing.
  auto again = run_sync(sync);
  EXPECT_EQ(again["data"]["summary"]["succeeded"], 3);
  EXPECT_EQ(index_names("idx_alpha", "orders"), orders_indexes);
  EXPECT_EQ(index_names("idx_fixed", "towns"), (std::vector<std::string>{"_id_", "name_1"}));
}

TEST_F(IndexSyncTest, OrphansAreReportedInADryRunAndDroppedForReal) {
  TestIndexSync sync;
  static_cast<void>(run_sync(sync));
  static_cast<void>(
      ferretdb()["idx_alpha"]["orders"].create_index(IndexSpec{.keys = {{"legacy", 1}}}));
  auto dry = run_sync(sync, {{"dry_run", true}});
  EXPECT_EQ(dry["data"]["dry_run"], true);
  const auto* alpha = unit_of(dry, "StateOrders", "idx_alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ((*alpha)["orphan_indexes"], Json::array({"legacy_1"}));
  EXPECT_EQ((*alpha)["orphan_indexes_dropped"], Json::array());
  EXPECT_EQ(index_names("idx_alpha", "orders").size(), 4U);

  auto real = run_sync(sync);
  alpha = unit_of(real, "StateOrders", "idx_alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ((*alpha)["orphan_indexes_dropped"], Json::array({"legacy_1"}));
  EXPECT_EQ(index_names("idx_alpha", "orders"),
            (std::vector<std::string>{"_id_", "created_at_-1", "order_id_1"}));  // _id_ stays
  auto bad = run_sync(sync, {{"dry_run", "yes"}});
  EXPECT_EQ(bad["error"], "'dry_run' must be true or false");
}

// Repositories that record how many of them are creating indexes at the same moment.
std::atomic<int> g_in_flight{0};
std::atomic<int> g_most{0};

template <int N>
class SlowRepository : public Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "slow"; }
  [[nodiscard]] std::optional<std::string> database_key() const override {
    return "idx_slow_" + std::to_string(N);
  }
  [[nodiscard]] std::vector<IndexSpec> indexes() const override {
    int now = ++g_in_flight;
    int most = g_most.load();
    while (now > most && !g_most.compare_exchange_weak(most, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    --g_in_flight;
    return {{.keys = {{"k", 1}}}};
  }
};

class SlowSync : public ModelIndexSyncLambda {
 public:
  explicit SlowSync(std::size_t bound) : bound_(bound) {}
  [[nodiscard]] std::vector<RepositoryFactory> repositories() const override {
    return repositories_of<SlowRepository<1>, SlowRepository<2>, SlowRepository<3>,
                           SlowRepository<4>, SlowRepository<5>, SlowRepository<6>>();
  }
  [[nodiscard]] std::size_t max_concurrency() const override { return bound_; }

 private:
  std::size_t bound_;
};

TEST_F(IndexSyncTest, TheConcurrencyBoundIsRespected) {
  for (std::size_t bound : {std::size_t{1}, std::size_t{2}}) {
    g_most = 0;
    SlowSync sync(bound);
    auto reply = run_sync(sync);
    ASSERT_EQ(reply["success"], true) << reply.dump();
    EXPECT_EQ(g_most.load(), static_cast<int>(bound)) << "bound " << bound;
  }
  g_most = 0;
  SlowSync unbounded(0);
  static_cast<void>(run_sync(unbounded));
  EXPECT_GE(g_most.load(), 3);
}

}  // namespace
}  // namespace aws_helper
