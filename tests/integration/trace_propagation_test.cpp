// One trace followed end to end: a request to `bootstrap serve` with an X-Amzn-Trace-Id, the
// API publishing to SNS (moto), the message delivered to an SQS queue (moto) and handed to a
// consumer under the Lambda emulator, which sends the next hop with SQSSender (AWSTraceHeader)
// and launches a Fargate task (moto ECS); the task then run with the environment RunTask was
// given. The trace id must be on the log lines of every hop. (The emulator itself forwards no
// trace: what the consumer runs under comes from the record, as docs/tracing.md says.)
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include <aws_helper/aws.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/trace.hpp>

#include "support/emulator.hpp"
#include "support/local_server.hpp"
#include "support/moto.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;

// A trace of this run, as a client would send it.
std::string fresh_trace() {
  std::mt19937_64 random{std::random_device{}()};
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  std::array<char, 96> text{};
  std::snprintf(
      text.data(), text.size(), "Root=1-%08llx-%08llx%016llx;Parent=%016llx;Sampled=1",
      static_cast<unsigned long long>(seconds), static_cast<unsigned long long>(random() >> 32U),
      static_cast<unsigned long long>(random()), static_cast<unsigned long long>(random()));
  return text.data();
}

// The JSON log lines of a process's output whose message contains `text`.
std::vector<Json> log_lines(const std::string& output, const std::string& text) {
  std::vector<Json> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    try {
      auto parsed = Json::parse(line);
      if (parsed.value("message", "").find(text) != std::string::npos) lines.push_back(parsed);
    } catch (const Json::exception&) {  // not a log line of ours
    }
  }
  return lines;
}

// Every line with that message carries the trace (and there is at least one).
void expect_traced(const std::string& output, const std::string& text, const std::string& trace,
                   const std::string& hop) {
  auto lines = log_lines(output, text);
  ASSERT_FALSE(lines.empty()) << hop << ": no line '" << text << "' in\n" << output;
  for (const auto& line : lines) {
    EXPECT_EQ(line.value("traceId", ""), trace) << hop << ": " << line.dump();
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json invoke(const Emulator& emulator, const Json& event) {
  auto reply = emulator.invoke(event.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Json::parse(reply.body);
}

// A cluster with the trace-echo task definition on moto ECS, and where its tasks run.
struct EcsSetup {
  std::string cluster;
  std::string subnet;
  std::string group;
};

EcsSetup ecs_setup(const aws::AwsClient& ecs) {
  aws::AwsClient ec2("ec2", "EC2");
  const std::string target = "AmazonEC2ContainerServiceV20141113.";
  EcsSetup out;
  out.cluster = "traces-" + std::to_string(::getpid());
  static_cast<void>(ecs.json(target + "CreateCluster", "1.1", {{"clusterName", out.cluster}}));
  static_cast<void>(
      ecs.json(target + "RegisterTaskDefinition", "1.1",
               {{"family", "trace-echo"},
                {"networkMode", "awsvpc"},
                {"requiresCompatibilities", {"FARGATE"}},
                {"cpu", "256"},
                {"memory", "512"},
                {"containerDefinitions",
                 {{{"name", "trace-echo"}, {"image", "test:latest"}, {"memory", 512}}}}}));
  out.subnet =
      aws::xml_text(ec2.query("DescribeSubnets", "2016-11-15", {}).body, "subnetId").value_or("");
  // moto answers 500 to an awsvpc RunTask without security groups (AWS uses the VPC's default).
  out.group = aws::xml_text(ec2.query("DescribeSecurityGroups", "2016-11-15", {}).body, "groupId")
                  .value_or("");
  return out;
}

// Over 60 lines: one chain of five hops, each checked where it happens.
// NOLINTNEXTLINE(readability-function-size)
TEST(TracePropagationTest, OneTraceFromAnApiRequestThroughSnsAndSqsIntoAConsumerAndATask) {
  testing::peer_env("AWS_HELPER_MOTO_URL");
  const std::string trace = fresh_trace();
  ASSERT_EQ(trace::sanitize(trace), trace);
  const std::string suffix = std::to_string(::getpid());
  testing::Sns sns;
  testing::Sqs sqs;
  auto topic = sns.create_topic("traces-" + suffix);
  auto queue = sqs.create("traces-" + suffix);
  auto next_queue = sqs.create("traces-next-" + suffix);
  sns.subscribe(topic, queue, false);  // the SNS envelope: SNS's default delivery
  aws::AwsClient ecs("ecs", "ECS");
  auto where = ecs_setup(ecs);

  // 1. The API request: the client's trace is the invocation's, on its lines and in its reply.
  testing::LocalServer server(TEST_SERVICE_BOOTSTRAP, {}, {{"TRACE_TOPIC_ARN", topic}});
  auto client = server.client();
  Json body = {{"hop", 1}, {"forward_queue_url", next_queue.url}, {"task", true}};
  auto created =
      client.Post("/traces", {{"X-Amzn-Trace-Id", trace}}, body.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body << server.output();
  EXPECT_EQ(Json::parse(created->body)["trace"], trace);
  expect_traced(server.output(), "Publishing the traced message", trace, "API");

  // 2. SNS -> SQS: the trace is a message attribute in the envelope.
  auto records = sqs.receive(queue, 1);
  ASSERT_EQ(records.size(), 1U);
  auto envelope = Json::parse(records[0]["body"].get<std::string>());
  EXPECT_EQ(envelope["MessageAttributes"]["X-Amzn-Trace-Id"]["Value"], trace) << envelope.dump();

  // 3. The consumer runs the record under it (the emulator sends no Lambda-Runtime-Trace-Id),
  //    sends the next hop and launches the task.
  Emulator consumer(TEST_SERVICE_BOOTSTRAP, "sqs:trace-relay",
                    {{"ECS_CLUSTER", where.cluster},
                     {"ECS_SUBNETS", where.subnet},
                     {"ECS_SECURITY_GROUPS", where.group}});
  auto reply = invoke(consumer, {{"Records", records}});
  EXPECT_EQ(reply["batchItemFailures"], Json::array()) << reply.dump() << consumer.output();
  expect_traced(consumer.output(), "Consumed hop 1", trace, "consumer");
  expect_traced(consumer.output(), "Launched", trace, "consumer");

  // 4. SQSSender: the next hop carries it as AWSTraceHeader, and the consumer follows it.
  auto forwarded = sqs.receive(next_queue, 1);
  ASSERT_EQ(forwarded.size(), 1U);
  EXPECT_EQ(forwarded[0]["attributes"]["AWSTraceHeader"], trace) << forwarded[0].dump();
  EXPECT_FALSE(forwarded[0]["messageAttributes"].contains("X-Amzn-Trace-Id"));
  reply = invoke(consumer, {{"Records", forwarded}});
  EXPECT_EQ(reply["batchItemFailures"], Json::array()) << reply.dump();
  expect_traced(consumer.output(), "Consumed hop 2", trace, "second consumer");

  // 5. RunTask gave the task _X_AMZN_TRACE_ID; the task run with that environment logs under it.
  const std::string target = "AmazonEC2ContainerServiceV20141113.";
  auto listed = ecs.json(target + "ListTasks", "1.1", {{"cluster", where.cluster}});
  ASSERT_EQ(listed["taskArns"].size(), 1U) << listed.dump();
  auto described = ecs.json(target + "DescribeTasks", "1.1",
                            {{"cluster", where.cluster}, {"tasks", {listed["taskArns"][0]}}});
  std::map<std::string, std::string> environment;
  for (const auto& entry :
       described["tasks"][0]["overrides"]["containerOverrides"][0]["environment"]) {
    environment[entry["name"]] = entry["value"];
  }
  EXPECT_EQ(environment["_X_AMZN_TRACE_ID"], trace) << described.dump();
  EXPECT_EQ(environment["TASK_NAME"], "trace-echo");
  std::string log = "/tmp/aws-helper-trace-task-" + suffix + ".log";
  {
    testing::Process task({TEST_SERVICE_BOOTSTRAP, "task"}, log, environment);
    EXPECT_EQ(task.wait(std::chrono::seconds(30)), 0) << read_file(log);
  }
  auto task_output = read_file(log);
  ::unlink(log.c_str());
  expect_traced(task_output, "Task started", trace, "task");
  expect_traced(task_output, "Echoing the launcher's trace", trace, "task");
  expect_traced(task_output, "Task finished", trace, "task");
}

// `bootstrap serve` makes a request's trace as API Gateway does: the client's when valid
// (canonical), else a new one; a malformed header is never passed on or logged.
TEST(TracePropagationTest, TheLocalServerStartsATraceWhenTheRequestHasNoValidOne) {
  testing::LocalServer server(TEST_SERVICE_BOOTSTRAP);
  auto client = server.client();
  auto trace_of = [&client](const httplib::Headers& headers) {
    auto reply = client.Post("/traces", headers, R"({"hop": 0})", "application/json");
    EXPECT_TRUE(reply);
    if (!reply) return std::string();
    EXPECT_EQ(reply->status, 201) << reply->body;
    return Json::parse(reply->body)["trace"].get<std::string>();
  };
  auto given = fresh_trace();
  auto parsed = trace::parse(given);
  ASSERT_TRUE(parsed);
  // Blanks and order as a client may send them; the trace is the canonical header.
  EXPECT_EQ(trace_of({{"X-Amzn-Trace-Id",
                       "Sampled=1; Root=" + parsed->root + "; Parent=" + parsed->parent}}),
            given);
  auto none = trace_of({});
  auto again = trace_of({});
  EXPECT_TRUE(trace::parse(none)) << none;
  EXPECT_EQ(none, "Root=" + trace::root(none));
  EXPECT_NE(none, again);
  auto replaced = trace_of({{"X-Amzn-Trace-Id", "Root=1-EVIL-not-a-trace;Parent=x"}});
  EXPECT_TRUE(trace::parse(replaced)) << replaced;
  EXPECT_EQ(server.output().find("EVIL"), std::string::npos);
  for (const auto& line : log_lines(server.output(), "Publishing the traced message")) {
    EXPECT_TRUE(trace::parse(line.value("traceId", ""))) << line.dump();
  }
}

}  // namespace
}  // namespace aws_helper
