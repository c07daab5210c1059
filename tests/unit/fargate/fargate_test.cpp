// FargateTask and FargateExecutor without peers: environment lookups, exit codes, and the
// RunTask request (the integration test sends it to moto).
#include <cstdlib>

#include <gtest/gtest.h>

#include <aws_helper/fargate.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

class RecordingTask : public FargateTask {
 public:
  using FargateTask::FargateTask;
  void execute() override {
    ran = true;
    state = session().state();
    if (get_env("MODE", "") == "throw") throw ValueError("asked to fail");
  }
  bool ran = false;
  std::optional<std::string> state;
};

class FargateEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"SESSION", "MODE", "TOWN", "town", "ECS_CLUSTER", "ECS_SUBNETS", "ECS_SECURITY_GROUPS"}) {
      ::unsetenv(name);
    }
    ::setenv("AWS_REGION", "us-east-2", 1);
  }
  void TearDown() override { SetUp(); }
};

TEST_F(FargateEnvTest, GetEnvLooksInTheMapThenUpperThenLowerCase) {
  RecordingTask task(EnvMap{{"Town", "from-map"}});
  EXPECT_EQ(task.get_env("Town"), "from-map");
  ::setenv("TOWN", "upper", 1);
  ::setenv("town", "lower", 1);
  EXPECT_EQ(task.get_env("town"), "upper");
  ::unsetenv("TOWN");
  EXPECT_EQ(task.get_env("TOWN"), "lower");
  EXPECT_EQ(task.get_env("missing", "fallback"), "fallback");
  try {
    static_cast<void>(task.require_env("missing"));
    FAIL() << "no error";
  } catch (const ValueError& error) {
    EXPECT_STREQ(error.what(), "Required environment variable 'missing' not found");
  }
}

TEST_F(FargateEnvTest, RunNeedsSessionAndReportsTheExitCode) {
  RecordingTask without_session;
  EXPECT_EQ(without_session.run(), 1);
  EXPECT_FALSE(without_session.ran);

  RecordingTask bad_json(EnvMap{{"SESSION", "{not json"}});
  EXPECT_EQ(bad_json.run(), 1);
  EXPECT_FALSE(bad_json.ran);

  RecordingTask empty_session(EnvMap{{"SESSION", "{}"}});
  EXPECT_EQ(empty_session.run(), 0);
  EXPECT_TRUE(empty_session.ran);
  EXPECT_FALSE(empty_session.state);

  RecordingTask failing(EnvMap{{"SESSION", "{}"}, {"MODE", "throw"}});
  EXPECT_EQ(failing.run(), 1);
  EXPECT_TRUE(failing.ran);

  RecordingTask bad_state(
      EnvMap{{"SESSION", R"({"state": "admin"})"}});  // refused before any lookup
  EXPECT_EQ(bad_state.run(), 1);
  EXPECT_FALSE(bad_state.ran);
}

TEST_F(FargateEnvTest, ExecutorConfigurationNamesTheMissingVariable) {
  try {
    FargateExecutor executor;
    FAIL() << "no error";
  } catch (const ConfigurationError& error) {
    EXPECT_STREQ(error.what(), "ECS_CLUSTER environment variable is required");
  }
  ::setenv("ECS_CLUSTER", "c", 1);
  ::setenv("ECS_SUBNETS", " , ", 1);
  EXPECT_THROW(FargateExecutor{}, ConfigurationError);
  ::setenv("ECS_SUBNETS", "subnet-a, subnet-b,", 1);
  ::setenv("ECS_SECURITY_GROUPS", "sg-1", 1);
  auto request = FargateExecutor().run_task_request("report", {}, {});
  EXPECT_EQ(request["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
            Json::array({"subnet-a", "subnet-b"}));
  EXPECT_EQ(request["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"],
            Json::array({"sg-1"}));
}

TEST_F(FargateEnvTest, RunTaskRequestCarriesTheSessionTaskNameAndState) {
  FargateExecutor executor("cluster-1", {"subnet-a"});
  SessionScope scope{Session{"ohio", Json{{"id", "u1"}, {"password", "x"}}}};
  RunTaskOptions options;
  options.revision = "7";
  options.count = 2;
  options.assign_public_ip = false;
  auto request = executor.run_task_request("search-tax",
                                           {{"town", "Norwalk"}, {"task_name", "other"}}, options);
  EXPECT_EQ(request["cluster"], "cluster-1");
  EXPECT_EQ(request["taskDefinition"], "search-tax:7");
  EXPECT_EQ(request["count"], 2);
  EXPECT_EQ(request["launchType"], "FARGATE");
  const auto& vpc = request["networkConfiguration"]["awsvpcConfiguration"];
  EXPECT_EQ(vpc["assignPublicIp"], "DISABLED");
  EXPECT_FALSE(vpc.contains("securityGroups"));
  const auto& override = request["overrides"]["containerOverrides"][0];
  EXPECT_EQ(override["name"], "search-tax");
  EXPECT_EQ(override["environment"], Json::parse(R"([{"name": "TOWN", "value": "Norwalk"},
                            {"name": "SESSION", "value": "{\"state\":\"ohio\",\"user\":{\"id\":\"u1\"}}"},
                            {"name": "TASK_NAME", "value": "search-tax"},
                            {"name": "CONSTITUTION_STATE", "value": "ohio"}])"));
  options.count = 11;
  EXPECT_THROW(static_cast<void>(executor.run_task_request("search-tax", {}, options)), ValueError);
  EXPECT_THROW(static_cast<void>(executor.run_task_request("bad name", {}, {})), ValueError);
}

TEST_F(FargateEnvTest, WithoutASessionTheTaskStillGetsAnEmptyOne) {
  FargateExecutor executor("cluster-1", {"subnet-a"});
  auto request = executor.run_task_request("search-tax", {}, {});
  const auto& environment = request["overrides"]["containerOverrides"][0]["environment"];
  EXPECT_EQ(environment[0], (Json{{"name", "SESSION"}, {"value", "{}"}}));
  EXPECT_EQ(environment.size(), 2U);  // SESSION and TASK_NAME, no CONSTITUTION_STATE
}

constexpr const char* kTrace =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
    "Sampled=1";

TEST_F(FargateEnvTest, TheTaskGetsTheCurrentTraceInItsEnvironment) {
  FargateExecutor executor("cluster-1", {"subnet-a"});
  auto variable = [](const Json& request, const std::string& name) -> Json {
    for (const auto& entry : request["overrides"]["containerOverrides"][0]["environment"]) {
      if (entry["name"] == name) return entry["value"];
    }
    return nullptr;
  };
  EXPECT_EQ(variable(executor.run_task_request("search-tax", {}, {}), "_X_AMZN_TRACE_ID"), nullptr);
  trace::Scope scope{kTrace};
  EXPECT_EQ(variable(executor.run_task_request("search-tax", {}, {}), "_X_AMZN_TRACE_ID"), kTrace);
  // One the caller gives wins (names are upper-cased, as every override's).
  auto own = executor.run_task_request("search-tax", {{"_x_amzn_trace_id", "Root=mine"}}, {});
  EXPECT_EQ(variable(own, "_X_AMZN_TRACE_ID"), "Root=mine");
  std::size_t count = 0;
  for (const auto& entry : own["overrides"]["containerOverrides"][0]["environment"]) {
    count += entry["name"] == "_X_AMZN_TRACE_ID" ? 1U : 0U;
  }
  EXPECT_EQ(count, 1U);
}

class TraceRecordingTask : public FargateTask {
 public:
  using FargateTask::FargateTask;
  void execute() override {
    seen = trace::current();
    logger().info("working");
  }
  std::string seen;
};

TEST_F(FargateEnvTest, TheTaskRunsAndLogsUnderTheTraceOfItsEnvironment) {
  ::unsetenv("_X_AMZN_TRACE_ID");
  std::vector<Json> lines;
  log::set_sink(
      [](std::string_view line, void* user) {
        static_cast<std::vector<Json>*>(user)->push_back(Json::parse(line));
      },
      &lines);
  TraceRecordingTask task(EnvMap{{"SESSION", "{}"}, {"_X_AMZN_TRACE_ID", kTrace}});
  EXPECT_EQ(task.run("TraceRecordingTask"), 0);
  EXPECT_EQ(task.seen, kTrace);
  EXPECT_EQ(trace::current(), "");  // put back when run() returns
  // A malformed value is ignored, and quoted in no line.
  TraceRecordingTask hostile(EnvMap{{"SESSION", "{}"}, {"_X_AMZN_TRACE_ID", "Root=1-x\nEVIL"}});
  EXPECT_EQ(hostile.run("TraceRecordingTask"), 0);
  EXPECT_EQ(hostile.seen, "");
  // Failing for want of a session, the task still logs under its trace.
  TraceRecordingTask without_session(EnvMap{{"_X_AMZN_TRACE_ID", kTrace}});
  EXPECT_EQ(without_session.run("TraceRecordingTask"), 1);
  log::set_sink(nullptr, nullptr);
  std::vector<std::string> traced;
  for (const auto& line : lines) {
    EXPECT_EQ(line.dump().find("EVIL"), std::string::npos);
    if (line.value("traceId", "") == kTrace) traced.push_back(line["message"]);
  }
  ASSERT_GE(traced.size(), 4U);
  EXPECT_EQ(traced[0], "Task started");
  EXPECT_EQ(traced[1], "working");
  EXPECT_EQ(traced[2], "Task finished");
  EXPECT_NE(traced.back().find("Task failed"), std::string::npos);
}

}  // namespace
}  // namespace aws_helper
