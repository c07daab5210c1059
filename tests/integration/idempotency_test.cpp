// Idempotency against FerretDB: Lambdas, SQS records (single and batch mode), API requests by
// Idempotency-Key and Fargate tasks by run id run once per key; concurrent duplicates run once;
// an expired in-progress record is taken over; a mismatched payload is refused; expiry is
// enforced by the claim itself (FerretDB 1.x has no TTL indexes).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include <aws_helper/api.hpp>
#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/fargate.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/lambda.hpp>
#include <aws_helper/sqs.hpp>
#include <aws_helper/state_validator.hpp>

#include "support/peers.hpp"

namespace aws_helper {
namespace {

// ctest runs each test case as its own process, two at a time: each has a database of its own.
const std::string kDatabase = "idempotency_test_" + std::to_string(::getpid());

// A clock the tests move; the store compares expiries with it.
std::atomic<std::int64_t> clock_offset_s{0};
std::chrono::system_clock::time_point test_clock() {
  return std::chrono::system_clock::now() + std::chrono::seconds(clock_offset_s.load());
}

IdempotencyConfig test_config() {
  IdempotencyConfig config;
  config.database = kDatabase;
  config.collection = "records";
  config.expires_after = std::chrono::seconds(60);
  config.in_progress_expires_after = std::chrono::seconds(5);
  config.clock = test_clock;
  return config;
}

Collection records() {
  return testing::ferretdb()[kDatabase]["records"];
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MONGODB_URI", testing::peer_env("AWS_HELPER_FERRETDB_URI").c_str(), 1);
    static_cast<void>(testing::ferretdb()[kDatabase].run_command({{"dropDatabase", 1}}));
    clock_offset_s = 0;
    StateValidator::set_lookup([](const std::string& state) { return state == "ohio"; });
  }
  void TearDown() override {
    StateValidator::set_lookup(nullptr);
    static_cast<void>(testing::ferretdb()[kDatabase].run_command({{"dropDatabase", 1}}));
  }
};

// ---- Lambda ---------------------------------------------------------------------------------

std::atomic<int> lambda_runs{0};

class ChargeLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
    auto config = test_config();
    config.key = {"/order_id"};
    return config;
  }
  Json process() override {
    int run = ++lambda_runs;
    if (data().value("fail", false)) throw ValueError("card declined");
    if (data().contains("sleep_ms")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(data()["sleep_ms"].get<int>()));
    }
    return {{"charged", data()["amount"]}, {"run", run}};
  }
};

Json invoke(const Json& data) {
  ChargeLambda lambda;
  return run_lambda(lambda, {{"data", data}}, {}, "ChargeLambda");
}

TEST_F(IdempotencyTest, LambdaRepeatReturnsTheStoredEnvelopeWithoutRunning) {
  lambda_runs = 0;
  auto first = invoke({{"order_id", "o-1"}, {"amount", 10}});
  ASSERT_EQ(first["success"], true) << first.dump();
  auto second = invoke({{"amount", 10}, {"order_id", "o-1"}});  // other key order, same payload
  EXPECT_EQ(lambda_runs, 1);
  EXPECT_EQ(second, first);
  auto stored = records().find_one({{"status", "COMPLETED"}});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(Json::parse(stored->at("result").get<std::string>()), first);
  EXPECT_FALSE(stored->contains("in_progress_expires_at"));

  auto other = invoke({{"order_id", "o-2"}, {"amount", 10}});
  EXPECT_EQ(lambda_runs, 2);
  EXPECT_EQ(other["data"]["run"], 2);
}

TEST_F(IdempotencyTest, LambdaSameKeyOtherPayloadIsRefused) {
  lambda_runs = 0;
  ASSERT_EQ(invoke({{"order_id", "o-1"}, {"amount", 10}})["success"], true);
  auto refused = invoke({{"order_id", "o-1"}, {"amount", 99}});
  EXPECT_EQ(refused["success"], false);
  EXPECT_EQ(refused["error_type"], "IdempotencyKeyMismatch");
  EXPECT_EQ(lambda_runs, 1);
}

TEST_F(IdempotencyTest, LambdaFailureReleasesTheKey) {
  lambda_runs = 0;
  auto failed = invoke({{"order_id", "o-1"}, {"amount", 10}, {"fail", true}});
  EXPECT_EQ(failed["success"], false);
  EXPECT_EQ(records().count_documents(), 0);  // released: nothing holds the key
  // The retry carries the same payload (a redelivery) and runs.
  auto retried = invoke({{"order_id", "o-1"}, {"amount", 10}, {"fail", true}});
  EXPECT_EQ(lambda_runs, 2);
  EXPECT_EQ(retried["error"], "card declined");
}

TEST_F(IdempotencyTest, LambdaWithoutTheKeyRunsUnprotectedOrIsRefused) {
  lambda_runs = 0;
  EXPECT_EQ(invoke({{"amount", 10}})["success"], true);
  EXPECT_EQ(invoke({{"amount", 10}})["success"], true);
  EXPECT_EQ(lambda_runs, 2);
  EXPECT_EQ(records().count_documents(), 0);

  class Strict : public ChargeLambda {
   public:
    [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
      auto config = ChargeLambda::idempotency();
      config->raise_on_missing_key = true;
      return config;
    }
  } strict;
  auto refused = run_lambda(strict, {{"data", {{"amount", 10}}}}, {}, "Strict");
  EXPECT_EQ(refused["error_type"], "IdempotencyKeyError");
  EXPECT_EQ(lambda_runs, 2);
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunOnce) {
  lambda_runs = 0;
  constexpr int kThreads = 6;
  std::vector<Json> replies(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&replies, i] {
      replies[i] = invoke({{"order_id", "o-race"}, {"amount", 5}, {"sleep_ms", 400}});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(lambda_runs, 1);
  int succeeded = 0;
  int in_progress = 0;
  for (const auto& reply : replies) {
    if (reply["success"] == true) {
      ++succeeded;
    } else {
      EXPECT_EQ(reply["error_type"], "IdempotencyAlreadyInProgress") << reply.dump();
      ++in_progress;
    }
  }
  // The one that ran, and any that came after it completed, succeed; the rest were refused.
  EXPECT_GE(succeeded, 1);
  EXPECT_EQ(succeeded + in_progress, kThreads);
  EXPECT_GE(in_progress, 1);
}

TEST_F(IdempotencyTest, AnExpiredInProgressRecordIsTakenOver) {
  lambda_runs = 0;
  // A run that crashed: it claimed the key and never completed nor released it.
  auto config = test_config();
  config.key = {"/order_id"};
  Json payload = {{"order_id", "o-crash"}, {"amount", 1}};
  idempotency::Record crashed(config, "lambda:ChargeLambda",
                              idempotency::key_material(config, payload), payload);
  ASSERT_EQ(crashed.claim(), idempotency::Record::Outcome::run);

  auto refused = invoke(payload);
  EXPECT_EQ(refused["error_type"], "IdempotencyAlreadyInProgress");
  EXPECT_EQ(lambda_runs, 0);

  clock_offset_s = 6;  // past the 5 s in-progress expiry
  auto taken = invoke(payload);
  EXPECT_EQ(taken["success"], true) << taken.dump();
  EXPECT_EQ(lambda_runs, 1);
  // The crashed run, coming back late, cannot overwrite the new owner's result.
  crashed.complete("\"late\"");
  EXPECT_EQ(invoke(payload), taken);
  EXPECT_EQ(lambda_runs, 1);
}

TEST_F(IdempotencyTest, ACompletedRecordExpiresInTheClaimWithoutATtlIndex) {
  lambda_runs = 0;
  Json payload = {{"order_id", "o-ttl"}, {"amount", 1}};
  ASSERT_EQ(invoke(payload)["success"], true);
  clock_offset_s = 30;
  EXPECT_EQ(invoke(payload)["data"]["run"], 1);  // within the 60 s window: replayed
  clock_offset_s = 61;
  EXPECT_EQ(invoke(payload)["data"]["run"], 2);  // expired: runs again
  // The TTL index deletes expired records on MongoDB; FerretDB 1.x refuses the option
  // ("expireAfterSeconds is not implemented yet"), so there the claim alone enforces expiry.
  bool ttl_index = false;
  for (const auto& index : records().list_indexes()) {
    if (index.value("name", "") == "expires_at_ttl") {
      ttl_index = true;
      EXPECT_EQ(index["expireAfterSeconds"], 0);
    }
  }
  auto build_info = testing::ferretdb()["admin"].run_command({{"buildInfo", 1}});
  EXPECT_EQ(ttl_index, !build_info.contains("ferretdbVersion")) << build_info.dump();
  EXPECT_EQ(records().count_documents(), 1);
}

TEST_F(IdempotencyTest, TheStateIsPartOfTheKey) {
  lambda_runs = 0;
  class StateLambda : public ChargeLambda {
   public:
    [[nodiscard]] bool requires_state() const override { return true; }
  };
  StateLambda lambda;
  Json event = {{"session", {{"state", "ohio"}}}, {"data", {{"order_id", "o-1"}, {"amount", 1}}}};
  ASSERT_EQ(run_lambda(lambda, event, {}, "ChargeLambda")["success"], true);
  ASSERT_EQ(invoke({{"order_id", "o-1"}, {"amount", 1}})["success"], true);  // no state
  EXPECT_EQ(lambda_runs, 2);
  EXPECT_EQ(records().count_documents(), 2);
}

TEST_F(IdempotencyTest, AStoreThatIsDownFailsTheWorkInsteadOfRunningItUnprotected) {
  lambda_runs = 0;
  setenv("MONGODB_URI", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
         1);
  MongoManager::reset();
  auto reply = invoke({{"order_id", "o-down"}, {"amount", 1}});
  setenv("MONGODB_URI", testing::peer_env("AWS_HELPER_FERRETDB_URI").c_str(), 1);
  MongoManager::reset();
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "MongoUnavailableError") << reply.dump();
  EXPECT_EQ(lambda_runs, 0);
}

// ---- SQS ------------------------------------------------------------------------------------

std::atomic<int> sqs_side_effects{0};

class OrderConsumer : public SQSConsumer {
 public:
  [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
    return test_config();
  }
  void process_record(const Json& record) override {
    auto message = extract_content_message(record);
    if (message.value("fail", false)) throw ValueError("cannot ship");
    ++sqs_side_effects;
  }
};

class BatchOrderConsumer : public OrderConsumer {
 public:
  [[nodiscard]] ProcessingMode processing_mode() const override { return ProcessingMode::batch; }
  void process_batch(std::span<const Json> batch) override {
    seen.clear();
    for (const auto& record : batch) {
      seen.push_back(record["messageId"].get<std::string>());
      if (extract_content_message(record).value("fail", false)) {
        add_message_failed(record["messageId"], "cannot ship");
      } else {
        ++sqs_side_effects;
      }
    }
  }
  std::vector<std::string> seen;
};

Json sqs_record(const std::string& id, const Json& body) {
  return {{"messageId", id},
          {"body", body.dump()},
          {"attributes", {{"ApproximateReceiveCount", "1"}}},
          {"eventSourceARN", "arn:aws:sqs:us-east-2:000000000000:orders"}};
}

Json sns_record(const std::string& sqs_id, const std::string& sns_id, const Json& message) {
  Json envelope = {{"Type", "Notification"}, {"MessageId", sns_id}, {"Message", message.dump()}};
  return sqs_record(sqs_id, envelope);
}

Json run_consumer(SQSConsumer& consumer, std::vector<Json> records) {
  return consumer.run({{"Records", std::move(records)}}, "OrderConsumer");
}

TEST_F(IdempotencyTest, ARepeatedSqsRecordIsProcessedOnceAndCountsAsSuccess) {
  sqs_side_effects = 0;
  OrderConsumer consumer;
  auto first = run_consumer(consumer, {sqs_record("m-1", {{"order", 1}})});
  EXPECT_EQ(first["successful"], 1);
  // Redelivered (same message id, a higher receive count) in a later batch, and twice in one.
  auto redelivered = sqs_record("m-1", {{"order", 1}});
  redelivered["attributes"]["ApproximateReceiveCount"] = "2";
  auto second = run_consumer(consumer, {redelivered, sqs_record("m-2", {{"order", 2}}),
                                        sqs_record("m-2", {{"order", 2}})});
  EXPECT_EQ(second["successful"], 3) << second.dump();
  EXPECT_TRUE(second["batchItemFailures"].empty());
  EXPECT_EQ(sqs_side_effects, 2);
}

TEST_F(IdempotencyTest, SnsDuplicatesAreKeyedByTheSnsMessageId) {
  sqs_side_effects = 0;
  OrderConsumer consumer;
  // SNS delivered the same notification twice: two SQS messages, one SNS MessageId.
  auto reply = run_consumer(consumer, {sns_record("sqs-a", "sns-1", {{"order", 1}}),
                                       sns_record("sqs-b", "sns-1", {{"order", 1}})});
  EXPECT_EQ(reply["successful"], 2);
  EXPECT_EQ(sqs_side_effects, 1);
}

TEST_F(IdempotencyTest, AFailedSqsRecordIsRetriedAndAnInProgressOneFails) {
  sqs_side_effects = 0;
  OrderConsumer consumer;
  auto failed = run_consumer(consumer, {sqs_record("m-f", {{"fail", true}})});
  EXPECT_EQ(failed["batchItemFailures"].size(), 1U);
  EXPECT_EQ(records().count_documents(), 0);  // released for the redelivery

  // Another consumer holds m-busy right now: this delivery fails and SQS redelivers it.
  auto config = test_config();
  idempotency::Record busy(config, "sqs:OrderConsumer", Json("m-busy"), Json{{"order", 3}});
  ASSERT_EQ(busy.claim(), idempotency::Record::Outcome::run);
  auto reply = run_consumer(consumer, {sqs_record("m-busy", {{"order", 3}})});
  ASSERT_EQ(reply["batchItemFailures"].size(), 1U) << reply.dump();
  EXPECT_EQ(reply["batchItemFailures"][0]["itemIdentifier"], "m-busy");
  EXPECT_EQ(sqs_side_effects, 0);
}

TEST_F(IdempotencyTest, BatchModeHandsOnlyNewRecordsToProcessBatch) {
  sqs_side_effects = 0;
  BatchOrderConsumer consumer;
  auto first = run_consumer(
      consumer, {sqs_record("b-1", {{"order", 1}}), sqs_record("b-2", {{"fail", true}})});
  EXPECT_EQ(first["successful"], 1);
  EXPECT_EQ(sqs_side_effects, 1);

  auto second =
      run_consumer(consumer, {sqs_record("b-1", {{"order", 1}}), sqs_record("b-2", {{"order", 2}}),
                              sqs_record("b-3", {{"order", 3}})});
  EXPECT_EQ(second["successful"], 3) << second.dump();
  EXPECT_EQ(consumer.seen, (std::vector<std::string>{"b-2", "b-3"}));
  EXPECT_EQ(sqs_side_effects, 3);
}

TEST_F(IdempotencyTest, AMismatchedSqsRecordFailsAlone) {
  sqs_side_effects = 0;
  BatchOrderConsumer consumer;
  ASSERT_EQ(run_consumer(consumer, {sqs_record("x-1", {{"order", 1}})})["successful"], 1);
  auto reply = run_consumer(
      consumer, {sqs_record("x-1", {{"order", 666}}), sqs_record("x-2", {{"order", 2}})});
  ASSERT_EQ(reply["batchItemFailures"].size(), 1U) << reply.dump();
  EXPECT_EQ(reply["batchItemFailures"][0]["itemIdentifier"], "x-1");
  EXPECT_EQ(sqs_side_effects, 2);
}

// ---- API ------------------------------------------------------------------------------------

std::atomic<int> api_side_effects{0};

class ShipAPI : public API {
 public:
  [[nodiscard]] std::optional<AuthMode> authorization() const override { return AuthMode::none; }
  [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
    return test_config();
  }
  void process() override {
    if (data().value("bad", false)) throw ValueError("bad shipping");
    if (data().value("crash", false)) throw std::runtime_error("database exploded");
    int n = ++api_side_effects;
    set_code(201).set_header("Location", "/shippings/" + std::to_string(n));
    set_body({{"shipping", n}});
  }
};

std::unique_ptr<API> make_ship() {
  return std::make_unique<ShipAPI>();
}

const ApiEntry kApis[] = {
    {"shippings", "post", "ShippingsPostAPI", "src/api/shippings/post.cpp", &make_ship}};

Json post(const ApiDispatcher& dispatcher, const Json& body, const Json& headers) {
  Json event = {{"version", "2.0"},
                {"rawPath", "/shippings"},
                {"rawQueryString", ""},
                {"headers", headers},
                {"body", body.dump()},
                {"requestContext", {{"http", {{"method", "POST"}}}, {"stage", "$default"}}}};
  return dispatcher.handle(event, {});
}

TEST_F(IdempotencyTest, AnApiRequestWithAnIdempotencyKeyRunsOnceAndReplays) {
  api_side_effects = 0;
  ApiDispatcher dispatcher{kApis};
  Json key = {{"idempotency-key", "k-1"}, {"origin", "https://a.example"}};
  auto first = post(dispatcher, {{"to", "Boston"}}, key);
  ASSERT_EQ(first["statusCode"], 201) << first.dump();
  auto second = post(dispatcher, {{"to", "Boston"}}, key);
  EXPECT_EQ(api_side_effects, 1);
  EXPECT_EQ(second["statusCode"], 201);
  EXPECT_EQ(second["body"], first["body"]);
  EXPECT_EQ(second["headers"]["Location"], "/shippings/1");
  EXPECT_EQ(second["headers"]["Idempotent-Replayed"], "true");
  EXPECT_FALSE(first["headers"].contains("Idempotent-Replayed"));
  EXPECT_EQ(second["headers"]["Access-Control-Allow-Origin"], "*");

  auto mismatch = post(dispatcher, {{"to", "Denver"}}, key);
  EXPECT_EQ(mismatch["statusCode"], 422);
  // No header: an ordinary request, run every time.
  ASSERT_EQ(post(dispatcher, {{"to", "Boston"}}, Json::object())["statusCode"], 201);
  ASSERT_EQ(post(dispatcher, {{"to", "Boston"}}, Json::object())["statusCode"], 201);
  EXPECT_EQ(api_side_effects, 3);
}

TEST_F(IdempotencyTest, ApiClientErrorsReplayAndServerErrorsRelease) {
  api_side_effects = 0;
  ApiDispatcher dispatcher{kApis};
  Json key = {{"idempotency-key", "k-bad"}};
  auto bad = post(dispatcher, {{"bad", true}}, key);
  EXPECT_EQ(bad["statusCode"], 400);
  EXPECT_EQ(post(dispatcher, {{"bad", true}}, key)["headers"]["Idempotent-Replayed"], "true");

  Json crash_key = {{"idempotency-key", "k-crash"}};
  EXPECT_EQ(post(dispatcher, {{"crash", true}}, crash_key)["statusCode"], 500);
  EXPECT_EQ(records().count_documents({{"status", "IN_PROGRESS"}}), 0);
  auto retried = post(dispatcher, {{"crash", true}}, crash_key);
  EXPECT_FALSE(retried["headers"].contains("Idempotent-Replayed"));

  // An overlong key is refused before anything is stored.
  auto overlong = post(dispatcher, {{"to", "x"}}, {{"idempotency-key", std::string(256, 'k')}});
  EXPECT_EQ(overlong["statusCode"], 400);
  EXPECT_EQ(api_side_effects, 0);
}

// ---- Fargate tasks --------------------------------------------------------------------------

std::atomic<int> task_runs{0};

class NightlyTask : public FargateTask {
 public:
  [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
    return test_config();
  }
  void execute() override {
    ++task_runs;
    if (get_env("fail", "") == "yes") throw ValueError("the night went wrong");
  }
};

TEST_F(IdempotencyTest, ATaskRunsOncePerRunId) {
  task_runs = 0;
  setenv("SESSION", R"({"state": "ohio"})", 1);
  NightlyTask task;
  task.set_envs({{"RUN_ID", "run-7"}});
  EXPECT_EQ(task.run("NightlyTask"), 0);
  EXPECT_EQ(task.run("NightlyTask"), 0);
  EXPECT_EQ(task_runs, 1);
  EXPECT_EQ(records().count_documents({{"status", "COMPLETED"}}), 1);

  task.set_envs({{"RUN_ID", "run-8"}, {"fail", "yes"}});
  EXPECT_EQ(task.run("NightlyTask"), 1);
  EXPECT_EQ(task_runs, 2);
  task.set_envs({{"RUN_ID", "run-8"}});  // the failed run released its key: the rerun runs
  EXPECT_EQ(task.run("NightlyTask"), 0);
  EXPECT_EQ(task_runs, 3);
  EXPECT_EQ(task.run("NightlyTask"), 0);
  EXPECT_EQ(task_runs, 3);
  unsetenv("SESSION");
}

}  // namespace
}  // namespace aws_helper
