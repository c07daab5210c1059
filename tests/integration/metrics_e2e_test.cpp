// End to end: the EMF lines a real bootstrap writes — on stdout under the Runtime Interface
// Emulator, after a Fargate task, and on stderr beside the log lines for `bootstrap invoke` —
// read back and checked against the Embedded Metric Format specification.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

#include "support/emulator.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"
#include "unit/metrics/emf_checker.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;
using testing::Process;

// The states these invocations run under, active in core.states of the run's FerretDB (the
// bootstraps validate states there).
class MetricsE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto states = testing::ferretdb()["core"]["states"];
    for (const char* name : {"maine", "texas", "ohio"})
      states.update_one({{"name", name}}, {{"$set", {{"is_active", true}}}}, true);
  }
};

// The EMF documents in `output` (one per line, maybe among log lines), each checked against the
// specification.
std::vector<Json> emf_lines(const std::string& output) {
  std::vector<Json> out;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(R"({"_aws")", 0) != 0) continue;
    Json doc = Json::parse(line);
    for (const auto& problem : testing::emf_problems(doc)) ADD_FAILURE() << problem << "\n" << line;
    out.push_back(std::move(doc));
  }
  return out;
}

const Json* find_metric(const std::vector<Json>& lines, const std::string& name) {
  for (const auto& line : lines) {
    if (line.contains(name)) return &line;
  }
  return nullptr;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("aws-helper-metrics-" + std::to_string(::getpid()) + "-" + name);
}

TEST_F(MetricsE2ETest, EachInvocationUnderTheEmulatorWritesItsLineAndOnlyTheFirstAColdStart) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:fan-out");
  auto reply =
      emulator.invoke(R"({"session":{"state":"maine"}})", {{"X-Amzn-RequestId", "req-emf-1"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto first = emf_lines(emulator.output());
  ASSERT_EQ(first.size(), 2u) << emulator.output();
  EXPECT_EQ(first[0]["ColdStart"], 1);
  EXPECT_EQ(first[0]["handler"], "FanOutLambda");
  EXPECT_EQ(first[0]["service"], "test-service");
  const Json& line = first[1];
  EXPECT_EQ(line["FanOutTasks"], 16) << "the 16 pool tasks counted into one value";
  EXPECT_EQ(line["state"], "maine");
  EXPECT_EQ(line["handler"], "FanOutLambda");
  EXPECT_EQ(line["service"], "test-service");
  EXPECT_EQ(line["requestId"], "req-emf-1");
  EXPECT_EQ(line["_aws"]["CloudWatchMetrics"][0]["Namespace"], "test-service");
  EXPECT_EQ(line["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            Json::parse(R"([["service","handler","state"]])"));

  reply = emulator.invoke(R"({"session":{"state":"texas"}})", {{"X-Amzn-RequestId", "req-emf-2"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto both = emf_lines(emulator.output());
  ASSERT_EQ(both.size(), 3u) << emulator.output();
  EXPECT_FALSE(both[2].contains("ColdStart"));
  EXPECT_EQ(both[2]["FanOutTasks"], 16);
  EXPECT_EQ(both[2]["state"], "texas");
  EXPECT_EQ(both[2]["requestId"], "req-emf-2");
}

TEST_F(MetricsE2ETest, AFailedInvocationWritesItsLineAndTheKillSwitchWritesNone) {
  {
    // An inactive state fails the invocation before process(): no metric, but the cold start.
    Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:fan-out",
                      {{"AWS_HELPER_METRICS_NAMESPACE", "E2E/Metrics"}});
    auto reply = emulator.invoke(R"({"session":{"state":"no-such-state"}})");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto lines = emf_lines(emulator.output());
    ASSERT_EQ(lines.size(), 1u) << emulator.output();
    EXPECT_EQ(lines[0]["ColdStart"], 1);
    EXPECT_EQ(lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"], "E2E/Metrics");
  }
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:fan-out",
                    {{"POWERTOOLS_METRICS_DISABLED", "true"}});
  auto reply = emulator.invoke(R"({"session":{"state":"maine"}})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(emf_lines(emulator.output()).empty()) << emulator.output();
}

TEST_F(MetricsE2ETest, AnInvalidNamespaceIsAnInitErrorNamingTheVariable) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:fan-out",
                    {{"AWS_HELPER_METRICS_NAMESPACE", "AWS/Lambda"}});
  auto reply = emulator.invoke(R"({"session":{"state":"maine"}})");
  EXPECT_EQ(reply.status, 502) << reply.body;
  EXPECT_NE(reply.body.find("AWS_HELPER_METRICS_NAMESPACE"), std::string::npos) << reply.body;
}

TEST_F(MetricsE2ETest, ATaskWritesItsMetricsWhenItEndsWhateverTheOutcome) {
  for (const char* rows : {"5", "fail"}) {
    auto log = temp_file(std::string("task-") + rows + ".log");
    Process task({TEST_SERVICE_BOOTSTRAP, "task", "emit-metrics"}, log.string(),
                 {{"SESSION", "{}"}, {"ROWS", rows}});
    int status = task.wait(std::chrono::seconds(30));
    std::string output = read_file(log);
    std::filesystem::remove(log);
    EXPECT_EQ(status, std::string(rows) == "fail" ? 1 : 0) << output;
    auto lines = emf_lines(output);
    ASSERT_EQ(lines.size(), 1u) << output;
    const Json& line = lines[0];
    EXPECT_FALSE(line.contains("ColdStart")) << "a task is no Lambda cold start";
    EXPECT_EQ(line["handler"], "EmitMetricsTask");
    EXPECT_EQ(line["service"], "test-service");
    EXPECT_EQ(line["Source"], "e2e");
    EXPECT_EQ(line["rows"], rows);
    EXPECT_TRUE(line["ImportTime"].is_number());
    if (std::string(rows) == "fail") {
      EXPECT_EQ(line["ImportFailures"], 1);
    } else {
      EXPECT_EQ(line["RowsImported"], 5);
    }
  }
}

TEST_F(MetricsE2ETest, BootstrapInvokeKeepsStdoutForTheReplyAndWritesMetricsToStderr) {
  auto event = temp_file("event.json");
  auto out = temp_file("invoke.out");
  auto err = temp_file("invoke.err");
  std::ofstream(event) << R"({"session":{"state":"ohio"}})";
  std::string command = std::string(TEST_SERVICE_BOOTSTRAP) + " invoke lambda:fan-out --event " +
                        event.string() + " >" + out.string() + " 2>" + err.string();
  int status = std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe): one thread
  std::string stdout_text = read_file(out);
  std::string stderr_text = read_file(err);
  for (const auto& path : {event, out, err}) std::filesystem::remove(path);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << stderr_text;
  Json reply = Json::parse(stdout_text);  // nothing but the reply
  EXPECT_EQ(reply["success"], true);
  auto lines = emf_lines(stderr_text);
  ASSERT_EQ(lines.size(), 2u) << stderr_text;
  EXPECT_EQ(lines[0]["ColdStart"], 1);
  const Json* tasks = find_metric(lines, "FanOutTasks");
  ASSERT_NE(tasks, nullptr) << stderr_text;
  EXPECT_EQ((*tasks)["FanOutTasks"], 16);
  EXPECT_EQ((*tasks)["state"], "ohio");
}

}  // namespace
}  // namespace aws_helper
