// ModelQueryLambda's checks without a database: `_id` coercion, every refused stage and
// operator, the limits, the whitelist. (The integration test runs queries under the emulator.)
#include <gtest/gtest.h>

#include <aws_helper/document.hpp>
#include <aws_helper/model_query.hpp>

namespace aws_helper {
namespace {

constexpr const char* kHex = "65f1a2b3c4d5e6f7a8b9c0d1";
constexpr const char* kHex2 = "65f1a2b3c4d5e6f7a8b9c0d2";

class OrdersQuery : public ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "customers"};
  }
};

class UnconfiguredQuery : public ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override { return {}; }
};

// The ValueError text `query.validate()` gives for a payload (empty when it passes).
std::string refusal_of(ModelQueryLambda& query, const Json& payload) {
  query.data() = payload;
  try {
    query.validate();
  } catch (const ValueError& error) {
    return error.what();
  }
  return "";
}

std::string refusal(const Json& payload) {
  OrdersQuery query;
  return refusal_of(query, payload);
}

Json pipeline_of(const Json& stages) {
  OrdersQuery query;
  return query.checked_pipeline(stages);
}

TEST(ModelQueryIdTest, HexTextBecomesObjectIdAndIdIsAnAlias) {
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"_id", kHex}}), (Json{{"_id", object_id(kHex)}}));
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"id", kHex}, {"status", "open"}}),
            (Json{{"status", "open"}, {"_id", object_id(kHex)}}));
  // Both given: `id` is left alone, only `_id` is processed (the seed's rule).
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"id", "x"}, {"_id", kHex}}),
            (Json{{"id", "x"}, {"_id", object_id(kHex)}}));
  Json already = {{"_id", object_id(kHex)}};
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter(already), already);
}

TEST(ModelQueryIdTest, OperatorsListsAndPassThrough) {
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"_id", {{"$in", {kHex, kHex2}}}}}),
            (Json{{"_id", {{"$in", {object_id(kHex), object_id(kHex2)}}}}}));
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"_id", {{"$nin", {kHex}}}}}),
            (Json{{"_id", {{"$nin", {object_id(kHex)}}}}}));
  for (const char* op : {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte"}) {
    EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"_id", {{op, kHex}}}}),
              (Json{{"_id", {{op, object_id(kHex)}}}}))
        << op;
  }
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter({{"_id", {{"$exists", true}}}}),
            (Json{{"_id", {{"$exists", true}}}}));
}

TEST(ModelQueryIdTest, InsideAndOrNor) {
  Json filter = {{"$or", {{{"_id", kHex}}, {{"$and", {{{"id", kHex2}}}}}}},
                 {"$nor", {{{"_id", kHex}}}}};
  EXPECT_EQ(ModelQueryLambda::coerce_id_filter(filter),
            (Json{{"$or", {{{"_id", object_id(kHex)}}, {{"$and", {{{"_id", object_id(kHex2)}}}}}}},
                  {"$nor", {{{"_id", object_id(kHex)}}}}}));
}

TEST(ModelQueryIdTest, BadValuesAreClearErrors) {
  auto message = [](const Json& filter) {
    try {
      static_cast<void>(ModelQueryLambda::coerce_id_filter(filter));
    } catch (const ValueError& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  EXPECT_EQ(message({{"_id", "xyz"}}), "'_id' value 'xyz' is not a valid ObjectId");
  EXPECT_EQ(message({{"_id", {{"$in", kHex}}}}), "'$in' value for '_id' must be a list");
  EXPECT_EQ(message({{"_id", {{"$nin", 3}}}}), "'$nin' value for '_id' must be a list");
  EXPECT_EQ(message({{"_id", 42}}), "Unsupported type for '_id' filter: number");
  EXPECT_EQ(message({{"_id", nullptr}}), "Unsupported type for '_id' filter: null");
  EXPECT_EQ(message({{"_id", {{"$in", {kHex, "nope"}}}}}),
            "'_id' value 'nope' is not a valid ObjectId");
  EXPECT_EQ(message({{"$or", {{{"_id", "bad"}}}}}), "'_id' value 'bad' is not a valid ObjectId");
  EXPECT_EQ(message({{"$and", "x"}}), "'$and' must be a list of filters");
}

TEST(ModelQueryPayloadTest, WhitelistAndRequiredCollection) {
  EXPECT_EQ(refusal({{"collection", "orders"}}), "");
  EXPECT_EQ(refusal({{"collection", "users"}}),
            "Collection 'users' is not allowed. Allowed: orders, customers");
  EXPECT_EQ(refusal(Json::object()), "'collection' is required and must be a string");
  UnconfiguredQuery unconfigured;
  unconfigured.data() = {{"collection", "orders"}};
  EXPECT_THROW(unconfigured.validate(), ConfigurationError);
}

TEST(ModelQueryPayloadTest, PipelineWithFieldsIsRefused) {
  EXPECT_EQ(
      refusal({{"collection", "orders"}, {"pipeline", Json::array()}, {"fields", {{"a", 1}}}}),
      "'fields' cannot be used together with 'pipeline'");
}

TEST(ModelQueryPayloadTest, LimitsAndSkips) {
  EXPECT_EQ(refusal({{"collection", "orders"}, {"limit", -1}}),
            "'limit' must be a non-negative integer");
  EXPECT_EQ(refusal({{"collection", "orders"}, {"skip", -5}}),
            "'skip' must be a non-negative integer");
  EXPECT_EQ(refusal({{"collection", "orders"}, {"limit", "10"}}),
            "'limit' must be a non-negative integer");
  EXPECT_EQ(refusal({{"collection", "orders"}, {"limit", 1001}}),
            "'limit' 1001 is over the maximum of 1000");
  EXPECT_EQ(refusal({{"collection", "orders"}, {"limit", 1000}, {"skip", 3}}), "");
}

TEST(ModelQueryPayloadTest, JavaScriptInAFilterIsRefused) {
  EXPECT_EQ(refusal({{"collection", "orders"}, {"filter", {{"$where", "this.a > 1"}}}}),
            "Operator '$where' is not allowed in a filter (it runs JavaScript on the server)");
  EXPECT_EQ(
      refusal(
          {{"collection", "orders"},
           {"filter",
            Json::parse(R"({"$expr": {"$function": {"body": "x", "args": [], "lang": "js"}}})")}}),
      "Operator '$function' is not allowed in a filter (it runs JavaScript on the server)");
}

TEST(ModelQueryPayloadTest, JavaScriptInAProjectionIsRefused) {
  EXPECT_EQ(
      refusal({{"collection", "orders"},
               {"fields",
                Json::parse(R"({"x": {"$function": {"body": "f", "args": [], "lang": "js"}}})")}}),
      "Operator '$function' is not allowed in fields (it runs JavaScript on the server)");
}

TEST(ModelQueryPipelineTest, TheMaximumLimitIsAppendedAndMatchCoerced) {
  EXPECT_EQ(
      pipeline_of(
          Json::parse(R"([{"$match": {"id": "65f1a2b3c4d5e6f7a8b9c0d1"}}, {"$sort": {"a": 1}}])")),
      (Json{
          {{"$match", {{"_id", object_id(kHex)}}}}, {{"$sort", {{"a", 1}}}}, {{"$limit", 1000}}}));
}

// One test per refused stage or operator.
std::string pipeline_refusal(const Json& stages) {
  try {
    static_cast<void>(pipeline_of(stages));
  } catch (const ValueError& error) {
    return error.what();
  }
  return "";
}

TEST(ModelQueryPipelineTest, RefusesOut) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$out": "copy"}])")),
            "Pipeline stage '$out' is not allowed (it writes)");
}
TEST(ModelQueryPipelineTest, RefusesMerge) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$match": {}}, {"$merge": {"into": "orders"}}])")),
            "Pipeline stage '$merge' is not allowed (it writes)");
}
TEST(ModelQueryPipelineTest, RefusesWhere) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$match": {"$where": "true"}}])")),
            "Operator '$where' is not allowed in a pipeline (it runs JavaScript on the server)");
}
TEST(ModelQueryPipelineTest, RefusesFunction) {
  EXPECT_EQ(
      pipeline_refusal(Json::parse(
          R"([{"$addFields": {"x": {"$function": {"body": "f", "args": [], "lang": "js"}}}}])")),
      "Operator '$function' is not allowed in a pipeline (it runs JavaScript on the server)");
}
TEST(ModelQueryPipelineTest, RefusesAccumulator) {
  EXPECT_EQ(
      pipeline_refusal(Json::parse(
          R"([{"$group": {"_id": null, "x": {"$accumulator": {"init": "f", "lang": "js"}}}}])")),
      "Operator '$accumulator' is not allowed in a pipeline (it runs JavaScript on the server)");
}
TEST(ModelQueryPipelineTest, RefusesLookupOfAnotherCollection) {
  EXPECT_EQ(
      pipeline_refusal(Json::parse(
          R"([{"$lookup": {"from": "users", "localField": "u", "foreignField": "_id", "as": "u"}}])")),
      "Stage '$lookup' reads collection 'users', which is not allowed. Allowed: orders, customers");
}
TEST(ModelQueryPipelineTest, RefusesGraphLookupOfAnotherCollection) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$graphLookup": {"from": "tokens", "startWith": "$a",
      "connectFromField": "a", "connectToField": "b", "as": "c"}}])")),
            "Stage '$graphLookup' reads collection 'tokens', which is not allowed. Allowed: "
            "orders, customers");
}
TEST(ModelQueryPipelineTest, RefusesUnionWithAnotherCollection) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$unionWith": "users"}])")),
            "Stage '$unionWith' reads collection 'users', which is not allowed. Allowed: orders, "
            "customers");
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$unionWith": {"coll": "users", "pipeline": []}}])")),
            "Stage '$unionWith' reads collection 'users', which is not allowed. Allowed: orders, "
            "customers");
}
TEST(ModelQueryPipelineTest, LooksInsideFacetsAndNestedPipelines) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$facet": {"a": [{"$out": "x"}]}}])")),
            "Pipeline stage '$out' is not allowed (it writes)");
  EXPECT_EQ(
      pipeline_refusal(Json::parse(
          R"([{"$lookup": {"from": "customers", "as": "c", "pipeline": [{"$unionWith": "users"}]}}])")),
      "Stage '$unionWith' reads collection 'users', which is not allowed. Allowed: orders, "
      "customers");
}
TEST(ModelQueryPipelineTest, AllowsWhitelistedLookups) {
  auto checked =
      pipeline_of(Json::parse(R"([{"$lookup": {"from": "customers", "localField": "customer_id",
      "foreignField": "_id", "as": "customer"}}, {"$unionWith": {"coll": "orders"}}])"));
  EXPECT_EQ(checked.size(), 3U);
  EXPECT_EQ(checked[0]["$lookup"]["from"], "customers");
}
// The stages the deny list let through (the review's $collStats returned the host name): every
// stage not known to be read-only and confined is refused by name, at any depth.
TEST(ModelQueryPipelineTest, OnlyKnownReadOnlyStagesPass) {
  for (const char* stage : {"$collStats", "$indexStats", "$planCacheStats", "$currentOp",
                            "$listSessions", "$listLocalSessions", "$documents", "$changeStream",
                            "$changeStreamSplitLargeEvent", "$listSearchIndexes", "$search",
                            "$shardedDataDistribution", "$queryStats", "$newStageOf2030"}) {
    SCOPED_TRACE(stage);
    std::string refusal = pipeline_refusal(Json::array({{{stage, Json::object()}}}));
    EXPECT_EQ(refusal.rfind(std::string("Pipeline stage '") + stage +
                                "' is not allowed (only read-only stages are: $match, ",
                            0),
              0U)
        << refusal;
    // Nested in a facet and in a $lookup's pipeline as well.
    EXPECT_NE(pipeline_refusal(Json::array({{{"$facet", {{"a", {{{stage, Json::object()}}}}}}}})),
              "");
    EXPECT_NE(
        pipeline_refusal(Json::array(
            {{{"$lookup",
               {{"from", "orders"}, {"as", "o"}, {"pipeline", {{{stage, Json::object()}}}}}}}})),
        "");
  }
  // A long made-up name is named, but not echoed whole.
  std::string refusal = pipeline_refusal(Json::array({{{"$" + std::string(100000, 'x'), 1}}}));
  EXPECT_LT(refusal.size(), 1000U);
  EXPECT_NE(refusal.find("$xxxx"), std::string::npos);
}
TEST(ModelQueryPipelineTest, TheUsualReadOnlyStagesPass) {
  auto checked = pipeline_of(Json::parse(R"([{"$match": {"status": "open"}},
      {"$project": {"a": 1}}, {"$addFields": {"b": 1}}, {"$set": {"c": 1}}, {"$unset": "c"},
      {"$unwind": "$items"}, {"$group": {"_id": "$a", "n": {"$sum": 1}}}, {"$sort": {"n": -1}},
      {"$skip": 1}, {"$limit": 5}, {"$count": "n"}, {"$replaceRoot": {"newRoot": "$$ROOT"}},
      {"$sortByCount": "$a"}, {"$sample": {"size": 2}}, {"$bucketAuto": {"groupBy": "$a",
      "buckets": 2}}])"));
  EXPECT_EQ(checked.size(), 16U);  // the 15 stages and the maximum $limit
}
TEST(ModelQueryPipelineTest, RefusesMalformedStages) {
  EXPECT_EQ(pipeline_refusal(Json::parse(R"({"$match": {}})")),
            "'pipeline' must be a list of stages");
  EXPECT_EQ(pipeline_refusal(Json::parse(R"([{"$match": {}, "$sort": {"a": 1}}])")),
            "Each pipeline stage must be an object with one operator");
}

// Python 1.15's {"users": {"exclude": [...]}} entries and the `database` field.
class HidingQuery : public ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "users"};
  }
  [[nodiscard]] std::vector<std::string> excluded_fields(
      const std::string& collection) const override {
    if (collection == "users") return {"password", "profile.ssn"};
    return {};
  }
  [[nodiscard]] std::vector<std::string> allowed_databases() const override { return databases; }
  std::vector<std::string> databases;
};

std::string hiding_refusal(const Json& payload, std::vector<std::string> databases = {}) {
  HidingQuery query;
  query.databases = std::move(databases);
  return refusal_of(query, payload);
}

TEST(ModelQueryExclusionTest, AnExclusiveProjectionGetsTheExcludedFieldsAdded) {
  const std::vector<std::string> excluded = {"password", "profile.ssn"};
  EXPECT_EQ(ModelQueryLambda::enforce_exclusions(Json::object(), excluded),
            Json::parse(R"({"password": 0, "profile.ssn": 0})"));
  EXPECT_EQ(
      ModelQueryLambda::enforce_exclusions(Json::parse(R"({"notes": 0, "_id": 1})"), excluded),
      Json::parse(R"({"notes": 0, "_id": 1, "password": 0, "profile.ssn": 0})"));
  // Nothing hidden: the caller's projection as given.
  EXPECT_EQ(ModelQueryLambda::enforce_exclusions(Json::parse(R"({"a": 1})"), {}),
            Json::parse(R"({"a": 1})"));
}

TEST(ModelQueryExclusionTest, AnInclusiveProjectionLosesTheExcludedFields) {
  const std::vector<std::string> excluded = {"password", "profile.ssn"};
  EXPECT_EQ(
      ModelQueryLambda::enforce_exclusions(
          Json::parse(R"({"name": 1, "password": 1, "password.hash": true, "_id": 0})"), excluded),
      Json::parse(R"({"name": 1, "_id": 0})"));
  EXPECT_EQ(ModelQueryLambda::enforce_exclusions(Json::parse(R"({"profile.city": 1})"), excluded),
            Json::parse(R"({"profile.city": 1})"));
  // Only the hidden field asked for: an empty projection would return everything; only _id.
  EXPECT_EQ(ModelQueryLambda::enforce_exclusions(Json::parse(R"({"password": 1})"), excluded),
            Json::parse(R"({"_id": 1})"));
  // A field that holds a hidden one cannot be asked for whole.
  EXPECT_THROW(
      (void)ModelQueryLambda::enforce_exclusions(Json::parse(R"({"profile": 1})"), excluded),
      ValueError);
  // Expressions could rename a hidden field into the reply.
  EXPECT_THROW(
      (void)ModelQueryLambda::enforce_exclusions(Json::parse(R"({"x": "$password"})"), excluded),
      ValueError);
}

TEST(ModelQueryExclusionTest, PipelinesAndFiltersCannotReachHiddenFields) {
  EXPECT_EQ(hiding_refusal({{"collection", "users"}, {"pipeline", Json::array()}}),
            "Collection 'users' hides fields, so it cannot be queried with a pipeline. Use "
            "'filter' instead.");
  // Nor through another collection's pipeline.
  EXPECT_EQ(hiding_refusal(Json::parse(
                R"({"collection": "orders", "pipeline": [{"$lookup": {"from": "users",
                    "localField": "u", "foreignField": "_id", "as": "user"}}]})")),
            "Stage '$lookup' reads collection 'users', which hides fields, so no pipeline may "
            "read it");
  EXPECT_NE(hiding_refusal(
                Json::parse(R"({"collection": "orders", "pipeline": [{"$unionWith": "users"}]})")),
            "");
  // A filter on a hidden field would answer what the projection hides.
  EXPECT_EQ(hiding_refusal(Json::parse(
                R"({"collection": "users", "filter": {"password": {"$regex": "^a"}}})")),
            "The filter tests 'password', and 'password' is a field this collection does not "
            "return");
  EXPECT_NE(hiding_refusal(Json::parse(
                R"({"collection": "users", "filter": {"$or": [{"profile": {"ssn": "1"}}]}})")),
            "");
  EXPECT_NE(hiding_refusal(Json::parse(
                R"({"collection": "users", "filter": {"$expr": {"$eq": ["$password", "x"]}}})")),
            "");
  // What is allowed still passes; orders hides nothing, so its pipelines run.
  EXPECT_EQ(hiding_refusal(Json::parse(
                R"({"collection": "users", "filter": {"profile.city": "Hartford"},
                    "fields": {"name": 1}})")),
            "");
  EXPECT_EQ(hiding_refusal(Json::parse(R"({"collection": "orders", "pipeline": []})")), "");
}

TEST(ModelQueryDatabaseTest, ADatabaseIsCheckedAsAStateNameIs) {
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"database", "core"}}), "");
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"database", "admin"}}),
            "Database 'admin' is not valid: it names a MongoDB system database");
  EXPECT_NE(hiding_refusal({{"collection", "orders"}, {"database", "a.b"}}), "");
  EXPECT_NE(hiding_refusal({{"collection", "orders"}, {"database", ""}}), "");
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"database", 7}}),
            "'database' must be a string");
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"service", 7}}),
            "'service' must be a string");
  // allowed_databases() narrows it; the collection list applies in any database.
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"database", "core"}}, {"deliveries"}),
            "Database 'core' is not allowed. Allowed: deliveries");
  EXPECT_EQ(hiding_refusal({{"collection", "orders"}, {"database", "deliveries"}}, {"deliveries"}),
            "");
  EXPECT_EQ(hiding_refusal({{"collection", "tokens"}, {"database", "core"}}),
            "Collection 'tokens' is not allowed. Allowed: orders, users");
}

}  // namespace
}  // namespace aws_helper
