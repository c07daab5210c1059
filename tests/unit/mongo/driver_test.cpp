// The MongoDB layer's error paths through the libmongoc seam (src/mongo/driver.hpp): each test
// replaces the driver functions a server would answer with a fake that fails the way a server or
// a network does, and checks the typed error (and status) the caller gets and that nothing the
// operation borrowed or allocated is left behind. No server: the pool points at a closed port and
// the fakes answer before the driver would ever use it.
#include "mongo/driver.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/deadline.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>

#include "document/bson_convert.hpp"

namespace aws_helper {
namespace {

using mongo::driver::Api;
using mongo::driver::ScopedApi;

// What the fake driver answers, and what it saw.
struct Script {
  bool fail = true;
  bson_error_t error{};
  Json reply = Json::object();
  int calls = 0;
  int collections_destroyed = 0;
  int clients_returned = 0;
  Json seen_options;
};
Script script;  // NOLINT(cert-err58-cpp): a test's fixture state

void fail_with(std::uint32_t domain, std::uint32_t code, const char* message) {
  script.fail = true;
  bson_set_error(&script.error, domain, code, "%s", message);
}

// Writes the scripted reply and error as the driver does: the reply always, the error on failure.
bool answer(bson_t* reply, bson_error_t* error) {
  ++script.calls;
  if (reply != nullptr) {
    mongo::BsonPtr doc = mongo::to_bson(script.reply);
    bson_destroy(reply);
    bson_copy_to(doc.get(), reply);
  }
  if (script.fail && error != nullptr) *error = script.error;
  return !script.fail;
}

// The driver as the tests see it: the operations answer from the script; pools, clients and
// collections are libmongoc's own (none of them touches the network before an operation), with
// their release counted.
Api fake_driver() {
  Api api;
  api.collection_insert_one = [](mongoc_collection_t*, const bson_t*, const bson_t*, bson_t* reply,
                                 bson_error_t* error) { return answer(reply, error); };
  api.collection_insert_many = [](mongoc_collection_t*, const bson_t**, size_t, const bson_t*,
                                  bson_t* reply,
                                  bson_error_t* error) { return answer(reply, error); };
  api.collection_update_one = [](mongoc_collection_t*, const bson_t*, const bson_t*, const bson_t*,
                                 bson_t* reply,
                                 bson_error_t* error) { return answer(reply, error); };
  api.collection_replace_one = api.collection_update_one;
  api.collection_update_many = api.collection_update_one;
  api.collection_delete_one = [](mongoc_collection_t*, const bson_t*, const bson_t*, bson_t* reply,
                                 bson_error_t* error) { return answer(reply, error); };
  api.collection_delete_many = api.collection_delete_one;
  api.collection_count_documents = [](mongoc_collection_t*, const bson_t*, const bson_t* opts,
                                      const mongoc_read_prefs_t*, bson_t* reply,
                                      bson_error_t* error) -> int64_t {
    script.seen_options = mongo::from_bson(*opts);
    return answer(reply, error) ? 7 : -1;
  };
  api.collection_find_with_opts = [](mongoc_collection_t* collection, const bson_t* filter,
                                     const bson_t* opts, const mongoc_read_prefs_t* prefs) {
    script.seen_options = mongo::from_bson(*opts);
    return mongoc_collection_find_with_opts(collection, filter, opts, prefs);
  };
  api.cursor_next = [](mongoc_cursor_t*, const bson_t**) { return false; };
  api.cursor_error = [](mongoc_cursor_t*, bson_error_t* error) { return !answer(nullptr, error); };
  api.collection_find_and_modify_with_opts =
      [](mongoc_collection_t*, const bson_t*, const mongoc_find_and_modify_opts_t*, bson_t* reply,
         bson_error_t* error) { return answer(reply, error); };
  api.client_command_with_opts = [](mongoc_client_t*, const char*, const bson_t*,
                                    const mongoc_read_prefs_t*, const bson_t*, bson_t* reply,
                                    bson_error_t* error) { return answer(reply, error); };
  api.bulk_operation_execute = [](mongoc_bulk_operation_t*, bson_t* reply,
                                  bson_error_t* error) -> uint32_t {
    return answer(reply, error) ? 1 : 0;
  };
  api.collection_destroy = [](mongoc_collection_t* collection) {
    ++script.collections_destroyed;
    mongoc_collection_destroy(collection);
  };
  api.client_pool_push = [](mongoc_client_pool_t* pool, mongoc_client_t* client) {
    ++script.clients_returned;
    mongoc_client_pool_push(pool, client);
  };
  return api;
}

class MongoDriverTest : public ::testing::Test {
 protected:
  void SetUp() override { script = Script{}; }

  // A cluster on a closed port: only the fakes answer.
  Cluster cluster_{"mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200"};
  Collection users_ = cluster_["app"]["users"];
  Api api_ = fake_driver();
  ScopedApi scope_{api_};
};

TEST_F(MongoDriverTest, DuplicateKeyIs409WithTheKeyFromTheReply) {
  fail_with(MONGOC_ERROR_SERVER, 11000,
            "E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "
            "\"a@b.c\" }");
  script.reply = {
      {"writeErrors",
       Json::array({{{"index", 0}, {"code", 11000}, {"keyValue", {{"email", "a@b.c"}}}}})}};
  try {
    (void)users_.insert_one({{"email", "a@b.c"}});
    FAIL() << "no error";
  } catch (const DuplicateKeyError& error) {
    EXPECT_EQ(error.http_status(), 409);
    EXPECT_EQ(error.error_type(), "DuplicateKeyError");
    EXPECT_EQ(error.code(), 11000U);
    EXPECT_EQ(error.key(), R"({"email":"a@b.c"})");
  }
  // The collection handle and the client went back although the operation threw.
  EXPECT_EQ(script.collections_destroyed, 1);
  EXPECT_EQ(script.clients_returned, 1);
}

TEST_F(MongoDriverTest, DuplicateKeyWithoutKeyValueTakesTheKeyFromTheMessage) {
  fail_with(MONGOC_ERROR_SERVER, 11001, "E11001 duplicate key on update dup key: { sku: 7 }");
  try {
    (void)users_.update_one({{"sku", 8}}, {{"$set", {{"sku", 7}}}});
    FAIL() << "no error";
  } catch (const DuplicateKeyError& error) {
    EXPECT_EQ(error.key(), "{ sku: 7 }");
    EXPECT_EQ(error.code(), 11001U);
  }
}

TEST_F(MongoDriverTest, UnreachableServersAre503AndDoNotNameTheHost) {
  struct Case {
    std::uint32_t domain;
    std::uint32_t code;
    const char* says;
  };
  for (auto [domain, code, says] :
       {Case{MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE,
             "no server could be reached in time"},
        Case{MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET, "the connection failed or timed out"},
        Case{MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_AUTHENTICATE, "authentication failed"}}) {
    fail_with(domain, code, "No suitable servers found: calling hello on '10.0.3.7:27017'");
    try {
      (void)users_.delete_one({{"_id", 1}});
      ADD_FAILURE() << "no error for domain " << domain;
    } catch (const MongoUnavailableError& error) {
      EXPECT_EQ(error.http_status(), 503);
      EXPECT_EQ(std::string(error.what()), std::string("MongoDB is unreachable: ") + says);
      EXPECT_EQ(std::string(error.what()).find("10.0.3.7"), std::string::npos);
      EXPECT_EQ(error.domain(), domain);
      EXPECT_EQ(error.code(), code);
    }
  }
}

TEST_F(MongoDriverTest, OtherServerErrorsAreCommandErrorsWithTheServersMessage) {
  fail_with(MONGOC_ERROR_SERVER, 2, "unknown operator: $bogus");
  try {
    (void)users_.count_documents({{"a", {{"$bogus", 1}}}});
    FAIL() << "no error";
  } catch (const MongoCommandError& error) {
    EXPECT_EQ(error.http_status(), 500);
    EXPECT_EQ(error.error_type(), "MongoCommandError");
    EXPECT_STREQ(error.what(), "unknown operator: $bogus");
    EXPECT_EQ(error.code(), 2U);
  }
}

TEST_F(MongoDriverTest, ACursorErrorReachesTheCallerOfNext) {
  fail_with(MONGOC_ERROR_SERVER, 50, "operation exceeded time limit");
  auto cursor = users_.find({{"a", 1}});
  EXPECT_THROW((void)cursor.to_list(), MongoCommandError);
  script.fail = false;
  EXPECT_EQ(users_.find_one({{"a", 1}}), std::nullopt);
}

TEST_F(MongoDriverTest, ReadsInsideAnInvocationSendTheTimeLeftAsMaxTimeMS) {
  script.fail = false;
  (void)users_.find({}).to_list();
  EXPECT_FALSE(script.seen_options.contains("maxTimeMS"));  // no invocation: no limit
  DeadlineScope deadline(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  (void)users_.find({}, {.limit = 3}).to_list();
  ASSERT_TRUE(script.seen_options.contains("maxTimeMS"));
  auto max_time = script.seen_options["maxTimeMS"].get<std::int64_t>();
  EXPECT_GT(max_time, 4000);
  EXPECT_LE(max_time, 4900);  // the time left less the margin
  EXPECT_EQ(users_.count_documents({}), 7);
  EXPECT_TRUE(script.seen_options.contains("maxTimeMS"));
}

TEST_F(MongoDriverTest, NoTimeLeftIs503BeforeTheDriverIsCalled) {
  script.fail = false;
  DeadlineScope deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  EXPECT_THROW((void)users_.insert_one({{"a", 1}}), MongoUnavailableError);
  EXPECT_EQ(script.calls, 0);
}

TEST_F(MongoDriverTest, UpdateRepliesBecomeCounts) {
  script.fail = false;
  script.reply = {{"matchedCount", 0},
                  {"modifiedCount", 0},
                  {"upsertedId", {{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}}};
  auto result = users_.update_one({{"a", 1}}, {{"$set", {{"b", 2}}}}, true);
  EXPECT_EQ(result.matched_count, 0);
  ASSERT_TRUE(result.upserted_id.has_value());
  EXPECT_EQ((*result.upserted_id)["$oid"], "65f1a2b3c4d5e6f7a8b9c0d1");
  script.reply = {{"deletedCount", int64(3)}};
  EXPECT_EQ(users_.delete_many({}).deleted_count, 3);
}

TEST_F(MongoDriverTest, BulkWriteWithOnlyDuplicatesIs409AndKeepsWhatWasApplied) {
  fail_with(MONGOC_ERROR_SERVER, 11000, "E11000 duplicate key error");
  script.reply = {
      {"nInserted", 1},
      {"writeErrors", Json::array({{{"index", 1}, {"code", 11000}, {"errmsg", "E11000 dup"}}})}};
  try {
    (void)users_.bulk_write({InsertOne{{{"a", 1}}}, InsertOne{{{"a", 1}}}});
    FAIL() << "no error";
  } catch (const BulkWriteError& error) {
    EXPECT_EQ(error.http_status(), 409);
    EXPECT_EQ(error.result().inserted_count, 1);
    EXPECT_EQ(error.result().inserted_ids.size(), 2U);
    ASSERT_EQ(error.write_errors().size(), 1U);
    EXPECT_EQ(error.write_errors()[0]["index"], 1);
    EXPECT_NE(std::string(error.what()).find("1 write error(s)"), std::string::npos)
        << error.what();
  }
}

TEST_F(MongoDriverTest, BulkWriteWithOtherErrorsIs500AndCountsWriteConcernErrors) {
  fail_with(MONGOC_ERROR_WRITE_CONCERN, 64, "waiting for replication timed out");
  script.reply = {
      {"nInserted", 0},
      {"writeErrors", Json::array({{{"index", 0}, {"code", 11000}, {"errmsg", "dup"}}})},
      {"writeConcernErrors", Json::array({{{"code", 64}, {"errmsg", "timed out"}}})}};
  try {
    (void)users_.bulk_write({InsertOne{{{"a", 1}}}}, false);
    FAIL() << "no error";
  } catch (const BulkWriteError& error) {
    EXPECT_EQ(error.http_status(), 500);
    EXPECT_EQ(error.write_errors().size(), 2U);
  }
}

TEST_F(MongoDriverTest, BulkWriteThatReachedNoServerIsUnavailableNotABulkError) {
  fail_with(MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE, "no servers");
  EXPECT_THROW((void)users_.bulk_write({DeleteOne{{{"a", 1}}}}), MongoUnavailableError);
}

TEST_F(MongoDriverTest, BulkWriteRefusesAMalformedOperationBeforeSendingAnything) {
  script.fail = false;
  try {
    (void)users_.bulk_write({DeleteOne{{{"a", 1}}}, UpdateOne{{{"a", 1}}, {{"b", 2}}}});
    FAIL() << "no error";
  } catch (const ValueError& error) {
    EXPECT_NE(std::string(error.what()).find("operation 1 (UpdateOne)"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(script.calls, 0);
}

TEST_F(MongoDriverTest, FindOneAndUpdateMapsItsReply) {
  script.fail = false;
  script.reply = {{"value", nullptr}};
  EXPECT_EQ(users_.find_one_and_update({{"a", 1}}, {{"$set", {{"b", 1}}}}), std::nullopt);
  script.reply = {{"value", {{"a", 1}, {"b", 1}}}};
  EXPECT_EQ(users_.find_one_and_update({{"a", 1}}, {{"$set", {{"b", 1}}}}, {.return_new = true}),
            Json({{"a", 1}, {"b", 1}}));
  fail_with(MONGOC_ERROR_SERVER, 11000, "E11000 dup key: { b: 1 }");
  EXPECT_THROW((void)users_.find_one_and_update({{"a", 1}}, {{"$set", {{"b", 1}}}}),
               DuplicateKeyError);
}

TEST_F(MongoDriverTest, ListIndexesOfAMissingCollectionIsEmptyOtherErrorsThrow) {
  fail_with(MONGOC_ERROR_SERVER, 26, "ns does not exist: app.users");
  EXPECT_TRUE(users_.list_indexes().empty());
  fail_with(MONGOC_ERROR_SERVER, 13, "not authorized on app to execute command");
  try {
    (void)users_.list_indexes();
    FAIL() << "no error";
  } catch (const MongoCommandError& error) {
    EXPECT_EQ(error.code(), 13U);
  }
}

TEST_F(MongoDriverTest, InsertManyAddsIdsAndMapsTheError) {
  script.fail = false;
  auto result = users_.insert_many({{{"a", 1}}, {{"_id", 5}, {"a", 2}}});
  ASSERT_EQ(result.inserted_ids.size(), 2U);
  EXPECT_TRUE(result.inserted_ids[0].contains("$oid"));
  EXPECT_EQ(result.inserted_ids[1], 5);
  fail_with(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET, "socket error");
  EXPECT_THROW((void)users_.insert_many({{{"a", 1}}}), MongoUnavailableError);
}

TEST(MongoDriverSeamTest, APoolTheDriverCannotMakeIsAConfigurationError) {
  Api api;
  api.client_pool_new = [](const mongoc_uri_t*) -> mongoc_client_pool_t* { return nullptr; };
  Cluster cluster("mongodb://127.0.0.1:1");
  ScopedApi scope(api);
  EXPECT_THROW((void)cluster["app"]["users"].insert_one({{"a", 1}}), ConfigurationError);
}

TEST(MongoDriverSeamTest, AScopedApiPutsThePreviousTableBack) {
  EXPECT_EQ(mongo::driver::api().collection_insert_one, &mongoc_collection_insert_one);
  {
    Api outer;
    outer.collection_insert_one = nullptr;
    ScopedApi first(outer);
    EXPECT_EQ(mongo::driver::api().collection_insert_one, nullptr);
    {
      Api inner;
      ScopedApi second(inner);
      EXPECT_EQ(mongo::driver::api().collection_insert_one, &mongoc_collection_insert_one);
    }
    EXPECT_EQ(mongo::driver::api().collection_insert_one, nullptr);
  }
  EXPECT_EQ(mongo::driver::api().collection_insert_one, &mongoc_collection_insert_one);
}

}  // namespace
}  // namespace aws_helper
