// The fault matrix: MongoDB behind a fault-injecting proxy of the tests' own
// (support/fault_proxy.hpp) in front of the run's FerretDB — stalled, reset in the middle of a
// reply, slow, restarted, down — an API under the emulator whose database hangs, and a Fargate
// task stopped with SIGTERM. Each row asserts the outcome (a typed error within its bound, or
// the right result) and that nothing acknowledged was lost. The AWS rows (429/5xx with jittered
// retries, malformed replies, slow replies against the deadline) are in
// tests/unit/aws_client_test.cpp against local servers; the Runtime API rows (failing, refusing a
// reply over 6 MB) in tests/unit/runtime_test.cpp.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/deadline.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

#include "support/emulator.hpp"
#include "support/fault_proxy.hpp"
#include "support/process.hpp"

namespace aws_helper {
namespace {

using namespace std::chrono_literals;
using testing::FaultProxy;

// The port of the run's FerretDB (AWS_HELPER_FERRETDB_URI, mongodb://127.0.0.1:PORT/...).
int ferretdb_port() {
  const char* uri = std::getenv("AWS_HELPER_FERRETDB_URI");
  if (uri == nullptr || *uri == '\0') {
    ADD_FAILURE() << "AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test";
    return 1;
  }
  std::string text(uri);
  auto colon = text.find(':', text.find("://") + 3);
  return std::atoi(text.c_str() + colon + 1);
}

std::string through(const FaultProxy& proxy, const std::string& options = "") {
  return "mongodb://127.0.0.1:" + std::to_string(proxy.port()) + "/" + options;
}

std::string database_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string("fault_") + info->name();
  if (name.size() > 50) name.resize(50);
  return name;
}

template <class F>
std::chrono::milliseconds timed(F&& run) {
  auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

class FaultMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    direct_ = std::make_unique<Cluster>(std::getenv("AWS_HELPER_FERRETDB_URI"));
    (void)(*direct_)[database_name()].run_command({{"dropDatabase", 1}});
  }
  void TearDown() override { (void)(*direct_)[database_name()].run_command({{"dropDatabase", 1}}); }
  [[nodiscard]] Collection direct(const std::string& name) const {
    return (*direct_)[database_name()][name];
  }
  std::unique_ptr<Cluster> direct_;
  FaultProxy proxy_{ferretdb_port()};
};

// Stalled: connections open, nothing answers (a SIGSTOPped server, a black-holed route).
TEST_F(FaultMatrixTest, StalledServerIsATypedErrorBeforeTheDeadlineThenRecovers) {
  Cluster cluster(through(proxy_));
  auto things = cluster[database_name()]["things"];
  {
    DeadlineScope invocation{std::chrono::steady_clock::now() + 2s};
    things.insert_one({{"n", 1}});
    proxy_.set(FaultProxy::Mode::stall);
    auto waited = timed([&] { EXPECT_THROW((void)things.find_one(), MongoUnavailableError); });
    EXPECT_LT(waited, 2000ms);
  }
  proxy_.set(FaultProxy::Mode::pass);
  EXPECT_EQ(things.count_documents(), 1);
}

// Reset in the middle of a reply: a typed error or the whole result (the driver may retry the
// read once), never a part of it, never a crash; and the next operation works.
TEST_F(FaultMatrixTest, AResetInTheMiddleOfAReplyIsTypedOrRetriedNeverPartial) {
  std::vector<Json> documents;
  for (int i = 0; i < 200; ++i) documents.push_back({{"n", i}, {"pad", std::string(500, 'x')}});
  direct("things").insert_many(documents);
  Cluster cluster(through(proxy_));
  auto things = cluster[database_name()]["things"];
  ASSERT_EQ(things.count_documents(), 200);
  proxy_.cut_next_reply(3000);
  try {
    auto all = things.find({}, {.batch_size = 1000}).to_list();
    EXPECT_EQ(all.size(), 200U) << "a partial result was returned as if complete";
  } catch (const MongoUnavailableError& error) {
    EXPECT_EQ(std::string(error.what()),
              "MongoDB is unreachable: the connection failed or timed out");
  }
  EXPECT_EQ(things.find({}).to_list().size(), 200U);
}

// Slow: every chunk of every reply 150 ms late. The results are right, only later.
TEST_F(FaultMatrixTest, ASlowServerGivesTheRightResultsLater) {
  direct("things").insert_many({{{"n", 1}}, {{"n", 2}}, {{"n", 3}}});
  Cluster cluster(through(proxy_));
  auto things = cluster[database_name()]["things"];
  ASSERT_EQ(things.count_documents(), 3);
  proxy_.set(FaultProxy::Mode::slow, 150ms);
  std::vector<Json> found;
  auto waited = timed([&] { found = things.find({}, {.sort = {{"n", 1}}}).to_list(); });
  ASSERT_EQ(found.size(), 3U);
  EXPECT_EQ(found[2]["n"], 3);
  EXPECT_GE(waited, 150ms);
}

// Restarted: every connection reset between writes. Each write is acknowledged or a typed
// error; every acknowledged write is in the database afterwards; writing goes on.
TEST_F(FaultMatrixTest, ARestartLosesNoAcknowledgedWrite) {
  Cluster cluster(through(proxy_));
  auto things = cluster[database_name()]["things"];
  std::set<int> acknowledged;
  int failed = 0;
  for (int i = 0; i < 60; ++i) {
    if (i % 10 == 5) proxy_.reset_all();
    try {
      things.insert_one({{"n", i}});
      acknowledged.insert(i);
    } catch (const MongoUnavailableError&) {
      ++failed;
    }
  }
  EXPECT_GE(acknowledged.size(), 50U) << failed << " writes failed";
  std::set<int> stored;
  for (const auto& doc : direct("things").find({}).to_list()) stored.insert(doc["n"].get<int>());
  for (int n : acknowledged)
    EXPECT_TRUE(stored.count(n) == 1) << "acknowledged write " << n << " lost";
}

// Down: new connections refused. A typed error within serverSelectionTimeoutMS; back up, the
// same pool works.
TEST_F(FaultMatrixTest, ADownServerIsATypedErrorWithinServerSelectionThenRecovers) {
  Cluster cluster(through(proxy_, "?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000"));
  auto things = cluster[database_name()]["things"];
  things.insert_one({{"n", 1}});
  proxy_.set(FaultProxy::Mode::refuse);
  proxy_.reset_all();
  auto waited = timed([&] { EXPECT_THROW((void)things.count_documents(), MongoUnavailableError); });
  EXPECT_LT(waited, 3000ms);
  proxy_.set(FaultProxy::Mode::pass);
  std::int64_t count = -1;
  for (int i = 0; i < 50 && count < 0; ++i) {  // the driver rechecks the server on its own time
    try {
      count = things.count_documents();
    } catch (const MongoUnavailableError&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_EQ(count, 1);
}

// The whole path under the emulator: a function with a 4 s timeout whose database hangs gives
// the API's typed 503 before Lambda would stop it, and the next invocation, with the database
// back, works on the same container.
TEST(FaultMatrixApiTest, AHungDatabaseIsA503BeforeTheFunctionTimesOut) {
  FaultProxy proxy(ferretdb_port());
  testing::Emulator emulator(
      TEST_SERVICE_BOOTSTRAP, "api",
      {{"MONGODB_URI", through(proxy)}, {"AWS_LAMBDA_FUNCTION_TIMEOUT", "4"}});
  Json event = {{"version", "2.0"},
                {"rawPath", "/boom"},
                {"rawQueryString", "kind=db"},
                {"headers", Json::object()},
                {"requestContext",
                 {{"http", {{"method", "GET"}, {"sourceIp", "127.0.0.1"}}},
                  {"requestId", "gw-req"},
                  {"stage", "$default"}}}};
  auto status_of = [&](const testing::Reply& reply) {
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json::parse(reply.body).value("statusCode", 0);
  };
  // With the database up, /boom counts and then throws its own error: a 500.
  EXPECT_EQ(status_of(emulator.invoke(event.dump())), 500);
  proxy.set(FaultProxy::Mode::stall);
  testing::Reply reply;
  auto waited = timed([&] { reply = emulator.invoke(event.dump()); });
  EXPECT_EQ(status_of(reply), 503) << reply.body;
  EXPECT_LT(waited, 4000ms);
  proxy.set(FaultProxy::Mode::pass);
  EXPECT_EQ(status_of(emulator.invoke(event.dump())), 500);
}

// ECS stops a task with SIGTERM and kills it stopTimeout later: the task sees stop_requested(),
// returns, and the container exits 0 with the stop in its log, instead of dying mid-write.
TEST(FaultMatrixTaskTest, SigtermAsksTheTaskToStopAndItExitsCleanly) {
  std::string log = "/tmp/aws-helper-task-stop-" + std::to_string(::getpid()) + ".log";
  ::unlink(log.c_str());
  auto output = [&] {
    std::ifstream in(log);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  testing::Process task({TEST_SERVICE_BOOTSTRAP, "task", "wait-for-stop"}, log,
                        {{"SESSION", "{}"}});
  auto give_up = std::chrono::steady_clock::now() + 10s;
  while (output().find("Working until asked to stop") == std::string::npos &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_NE(output().find("Working until asked to stop"), std::string::npos) << output();
  ::kill(task.pid(), SIGTERM);  // the bootstrap alone, as ECS signals the container's PID 1
  int code = -1;
  auto waited = timed([&] { code = task.wait(5s); });
  EXPECT_EQ(code, 0) << output();
  EXPECT_LT(waited, 1000ms);
  EXPECT_NE(output().find("Stop requested: returning"), std::string::npos) << output();
  EXPECT_NE(output().find("Task finished after SIGTERM"), std::string::npos) << output();
  ::unlink(log.c_str());
}

}  // namespace
}  // namespace aws_helper
