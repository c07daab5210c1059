#include <gtest/gtest.h>

#include <aws_helper/service.hpp>

namespace aws_helper {
namespace {

class PingLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  Json process() override { return "pong"; }
};

class BrokenConstructorLambda : public Lambda {
 public:
  BrokenConstructorLambda() { throw ConfigurationError("TOPIC_ARN is not set"); }
  Json process() override { return nullptr; }
};

const LambdaEntry kLambdas[] = {
    {"ping", "PingLambda", "src/lambda/ping/main.cpp",
     []() -> std::unique_ptr<Lambda> { return std::make_unique<PingLambda>(); }},
    {"broken", "BrokenConstructorLambda", "src/lambda/broken/main.cpp",
     []() -> std::unique_ptr<Lambda> { return std::make_unique<BrokenConstructorLambda>(); }},
};
const ServiceDefinition kService{"svc", kLambdas};

// Tasks for `bootstrap task`: one that works, one that throws something that is not a
// std::exception, one whose constructor throws.
class OkTask : public FargateTask {
 public:
  void execute() override {}
};
class ThrowIntTask : public FargateTask {
 public:
  void execute() override { throw 42; }
};
class BrokenTask : public FargateTask {
 public:
  BrokenTask() { throw ConfigurationError("no cluster"); }
  void execute() override {}
};
const TaskEntry kTasks[] = {
    {"ok", "OkTask", "src/task/ok/task.cpp",
     []() -> std::unique_ptr<FargateTask> { return std::make_unique<OkTask>(); }},
    {"throw-int", "ThrowIntTask", "src/task/throw-int/task.cpp",
     []() -> std::unique_ptr<FargateTask> { return std::make_unique<ThrowIntTask>(); }},
    {"broken", "BrokenTask", "src/task/broken/task.cpp",
     []() -> std::unique_ptr<FargateTask> { return std::make_unique<BrokenTask>(); }},
};
const ServiceDefinition kTaskService{"svc", {}, {}, {}, kTasks};

TEST(ServiceTaskTest, ExitCodesForEveryOutcome) {
  ::setenv("SESSION", "{}", 1);
  ::unsetenv("TASK_NAME");
  EXPECT_EQ(run_task(kTaskService, "ok"), 0);
  EXPECT_EQ(run_task(kTaskService, "throw-int"), 1);
  EXPECT_EQ(run_task(kTaskService, "broken"), 1);
  EXPECT_EQ(run_task(kTaskService, "missing"), 1);
  EXPECT_EQ(run_task(kTaskService, ""), 1);  // no name and no TASK_NAME
  ::setenv("TASK_NAME", "ok", 1);
  EXPECT_EQ(run_task(kTaskService, ""), 0);
  ::unsetenv("TASK_NAME");
  ::unsetenv("SESSION");
}

runtime::InvocationRequest request(std::string payload) {
  runtime::InvocationRequest r;
  r.payload = std::move(payload);
  r.context.request_id = "r";
  return r;
}

TEST(ServiceTest, HandlerNamesAreSortedAndPrefixed) {
  EXPECT_EQ(handler_names(kService), (std::vector<std::string>{"lambda:broken", "lambda:ping"}));
}

TEST(ServiceTest, FindsKnownHandlersOnly) {
  EXPECT_TRUE(find_handler(kService, "lambda:ping").has_value());
  EXPECT_FALSE(find_handler(kService, "lambda:pong").has_value());
  EXPECT_FALSE(find_handler(kService, "ping").has_value());
  EXPECT_FALSE(find_handler(kService, "sqs:ping").has_value());
}

TEST(ServiceTest, LambdaHandlerRepliesWithEnvelope) {
  auto handler = *find_handler(kService, "lambda:ping");
  EXPECT_EQ(handler(request("{}")), R"({"success":true,"data":"pong"})");
}

TEST(ServiceTest, MalformedEventIsAnErrorEnvelopeNotACrash) {
  auto handler = *find_handler(kService, "lambda:ping");
  Json reply = Json::parse(handler(request("{not json")));
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "ValueError");
  EXPECT_EQ(reply["error"].get<std::string>().rfind("The event is not valid JSON", 0), 0u);
  Json empty = Json::parse(handler(request("")));
  EXPECT_EQ(empty["error_type"], "ValueError");
}

TEST(ServiceTest, ConstructorFailureIsAnErrorEnvelope) {
  auto handler = *find_handler(kService, "lambda:broken");
  EXPECT_EQ(Json::parse(handler(request("{}"))), (Json{{"success", false},
                                                       {"error", "TOPIC_ARN is not set"},
                                                       {"error_type", "ConfigurationError"}}));
}

}  // namespace
}  // namespace aws_helper
