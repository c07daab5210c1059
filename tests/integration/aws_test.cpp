// The event-driven half end to end: SNS -> SQS (moto) -> consumer bootstraps under the Lambda
// emulator, with the session carried through; ECS RunTask (moto) then the task entry point run
// with that environment; LambdaInvoker against the emulator; signatures checked by a moto that
// enforces them.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <aws_helper/aws.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/fargate.hpp>
#include <aws_helper/lambda_invoker.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/monitoring.hpp>
#include <aws_helper/sns.hpp>

#include "support/emulator.hpp"
#include "support/moto.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"
#include "support/scoped_env.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;
using testing::Queue;
using testing::Sns;
using testing::Sqs;

using testing::ferretdb;

std::string unique(const std::string& name) {
  static int counter = 0;
  return name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::vector<std::string> failure_ids(const Json& reply) {
  std::vector<std::string> ids;
  for (const auto& failure : reply.at("batchItemFailures"))
    ids.push_back(failure.at("itemIdentifier"));
  std::sort(ids.begin(), ids.end());
  return ids;
}

Json invoke(const Emulator& emulator, const Json& event) {
  auto reply = emulator.invoke(event.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Json::parse(reply.body);
}

class AwsFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::peer_env("AWS_HELPER_MOTO_URL");
    auto states = ferretdb()["core"]["states"];
    for (const char* name : {"connecticut", "ohio"}) {
      static_cast<void>(
          states.update_one({{"name", name}}, {{"$set", {{"is_active", true}}}}, true));
    }
    static_cast<void>(states.delete_many({{"name", "atlantis"}}));
  }
  Sqs sqs_;
  Sns sns_;
};

TEST_F(AwsFlowTest, PublishedMessagesReachTheConsumerWithTheirSessionThroughBothDeliveries) {
  auto topic = sns_.create_topic(unique("orders"));
  auto enveloped = sqs_.create(unique("orders-env"));
  auto raw = sqs_.create(unique("orders-raw"));
  sns_.subscribe(topic, enveloped, false);
  sns_.subscribe(topic, raw, true);
  auto seen = ferretdb()["sqs_test"]["seen"];
  static_cast<void>(seen.delete_many(Json::object()));

  SNSPublisher publisher(topic);
  {
    SessionScope scope{Session{"connecticut", Json{{"id", "u1"}, {"password", "secret"}}}};
    auto id = publisher.publish(Json{{"content", {{"order", 1}}},
                                     {"attributes", {{"event_type", "created"}, {"priority", 5}}},
                                     {"subject", "New order"}});
    EXPECT_FALSE(id.message_id.empty());
  }
  {
    SessionScope scope{Session{"atlantis", std::nullopt}};  // not an active state
    static_cast<void>(publisher.publish(Json{{"content", {{"order", 2}}}}));
  }

  auto from_envelope = sqs_.receive(enveloped, 2);
  auto from_raw = sqs_.receive(raw, 2);
  ASSERT_EQ(from_envelope.size(), 2U);
  ASSERT_EQ(from_raw.size(), 2U);
  // What SNS delivered: an envelope with typed attributes, or the bare content.
  for (const auto& record : from_envelope) {
    auto envelope = Json::parse(record["body"].get<std::string>());
    EXPECT_EQ(envelope["Type"], "Notification");
    if (Json::parse(envelope["Message"].get<std::string>())["order"] == 1) {
      EXPECT_EQ(envelope["Subject"], "New order");
      EXPECT_EQ(envelope["MessageAttributes"]["priority"]["Type"], "Number");
      EXPECT_EQ(envelope["MessageAttributes"]["event_type"]["Value"], "created");
    }
  }
  for (const auto& record : from_raw) {
    EXPECT_TRUE(Json::parse(record["body"].get<std::string>()).contains("order"));
    EXPECT_TRUE(record["messageAttributes"].contains("session")) << record.dump();
  }

  Json records = Json::array();
  std::vector<std::string> atlantis;
  for (const auto& list : {from_envelope, from_raw}) {
    for (const auto& record : list) {
      records.push_back(record);
      auto content = Json::parse(record["body"].get<std::string>());
      if (content.contains("Message")) content = Json::parse(content["Message"].get<std::string>());
      if (content["order"] == 2) atlantis.push_back(record["messageId"]);
    }
  }
  std::sort(atlantis.begin(), atlantis.end());

  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "sqs:session-echo");
  auto reply = invoke(emulator, {{"Records", records}});
  EXPECT_EQ(reply["processed"], 4) << reply.dump();
  EXPECT_EQ(reply["successful"], 2);
  EXPECT_EQ(failure_ids(reply), atlantis);
  for (const auto& result : reply["results"]) {
    if (!result["success"].get<bool>()) {
      EXPECT_NE(result["error"].get<std::string>().find("atlantis"), std::string::npos);
    }
  }
  auto docs = seen.find(Json::object()).to_list();
  ASSERT_EQ(docs.size(), 2U);
  for (const auto& doc : docs) {
    EXPECT_EQ(doc["state"], "connecticut");
    EXPECT_EQ(doc["user_id"], "u1");
    EXPECT_EQ(doc["content"], (Json{{"order", 1}}));
  }
}

TEST_F(AwsFlowTest, TwentyFiveMessagesInChunksAndTheBatchConsumerReportsExactlyTheFailures) {
  auto topic = sns_.create_topic(unique("batch"));
  auto enveloped = sqs_.create(unique("batch-env"));
  auto raw = sqs_.create(unique("batch-raw"));
  sns_.subscribe(topic, enveloped, false);
  sns_.subscribe(topic, raw, true);
  auto groups = ferretdb()["sqs_test"]["groups"];
  static_cast<void>(groups.delete_many(Json::object()));

  SNSPublisher publisher(topic);
  auto batch = [&publisher](const std::string& state, int from, int to) {
    SessionScope scope{Session{state, std::nullopt}};
    std::vector<Json> messages;
    for (int n = from; n < to; ++n) {
      messages.push_back({{"content", {{"n", n}, {"fail", n % 5 == 2}}}});
    }
    return publisher.publish(messages);
  };
  auto first = batch("connecticut", 0, 15);
  auto second = batch("ohio", 15, 25);
  EXPECT_TRUE(first.all_succeeded());
  EXPECT_TRUE(second.all_succeeded());
  EXPECT_EQ(first.message_ids().size() + second.message_ids().size(), 25U);

  auto check = [](const std::vector<Json>& records, const Json& reply) {
    std::vector<std::string> expected;
    for (const auto& record : records) {
      auto content = Json::parse(record["body"].get<std::string>());
      if (content.contains("Message")) content = Json::parse(content["Message"].get<std::string>());
      if (content["fail"].get<bool>()) expected.push_back(record["messageId"]);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(expected.size(), 5U);
    EXPECT_EQ(failure_ids(reply), expected);
    EXPECT_EQ(reply["processed"], 25);
  };

  auto enveloped_records = sqs_.receive(enveloped, 25);
  Emulator batch_consumer(TEST_SERVICE_BOOTSTRAP, "sqs:orders-batch");
  auto reply = invoke(batch_consumer, {{"Records", enveloped_records}});
  check(enveloped_records, reply);
  // One process_batch per state.
  auto seen_groups = groups.find(Json::object()).to_list();
  ASSERT_EQ(seen_groups.size(), 2U);
  std::map<std::string, std::size_t> sizes;
  for (const auto& group : seen_groups) sizes[group["state"]] = group["message_ids"].size();
  EXPECT_EQ(sizes, (std::map<std::string, std::size_t>{{"connecticut", 15}, {"ohio", 10}}));

  auto raw_records = sqs_.receive(raw, 25);
  Emulator single_consumer(TEST_SERVICE_BOOTSTRAP, "sqs:session_echo");  // the file's spelling
  check(raw_records, invoke(single_consumer, {{"Records", raw_records}}));
}

TEST_F(AwsFlowTest, AnEventThatIsNotAnSqsEventFailsTheInvocationSoNothingIsDeleted) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "sqs:session-echo");
  auto reply = emulator.invoke(R"({"Records": "nope"})");
  auto body = Json::parse(reply.body);
  EXPECT_EQ(body["errorType"], "ValueError") << reply.body;
}

TEST_F(AwsFlowTest, RunTaskOverridesThenTheTaskRunsWithThatEnvironment) {
  aws::AwsClient ecs("ecs", "ECS");
  const std::string target = "AmazonEC2ContainerServiceV20141113.";
  auto cluster = unique("cluster");
  static_cast<void>(ecs.json(target + "CreateCluster", "1.1", {{"clusterName", cluster}}));
  static_cast<void>(ecs.json(target + "RegisterTaskDefinition", "1.1",
                             {{"family", "record-run"},
                              {"networkMode", "awsvpc"},
                              {"requiresCompatibilities", {"FARGATE"}},
                              {"cpu", "256"},
                              {"memory", "512"},
                              {"containerDefinitions",
                               {{{"name", "record-run"},
                                 {"image", "record-run:latest"},
                                 {"memory", 512},
                                 {"essential", true}}}}}));

  // moto checks that the subnets and security group exist: take its default VPC's.
  aws::AwsClient ec2("ec2", "EC2");
  auto subnets = ec2.query("DescribeSubnets", "2016-11-15", {});
  auto groups = ec2.query("DescribeSecurityGroups", "2016-11-15", {});
  auto subnet = aws::xml_text(subnets.body, "subnetId").value_or("");
  auto group = aws::xml_text(groups.body, "groupId").value_or("");
  ASSERT_FALSE(subnet.empty()) << subnets.body.substr(0, 500);
  FargateExecutor executor(cluster, {subnet}, {group});
  std::string arn;
  {
    SessionScope scope{Session{"connecticut", Json{{"id", "u1"}}}};
    arn = executor.run_task("record-run", {{"town", "Norwalk"}, {"TASK_NAME", "not-this"}});
  }
  ASSERT_FALSE(arn.empty());
  auto described = ecs.json(target + "DescribeTasks", "1.1",
                            {{"cluster", cluster}, {"tasks", Json::array({arn})}});
  const auto& task = described["tasks"][0];
  const auto& override = task["overrides"]["containerOverrides"][0];
  EXPECT_EQ(override["name"], "record-run");
  std::map<std::string, std::string> environment;
  int task_names = 0;
  for (const auto& entry : override["environment"]) {
    environment[entry["name"]] = entry["value"];
    task_names += entry["name"] == "TASK_NAME" ? 1 : 0;
  }
  EXPECT_EQ(task_names, 1);
  EXPECT_EQ(environment["TOWN"], "Norwalk");
  EXPECT_EQ(environment["TASK_NAME"], "record-run");
  EXPECT_EQ(environment["CONSTITUTION_STATE"], "connecticut");
  EXPECT_EQ(Json::parse(environment["SESSION"]),
            (Json{{"state", "connecticut"}, {"user", {{"id", "u1"}}}}));

  auto status = executor.get_task_status(arn);
  EXPECT_EQ(status.task_arn, arn);
  EXPECT_FALSE(status.status.empty());
  EXPECT_NE(status.status, "NOT_FOUND");
  auto unknown = arn.substr(0, arn.rfind('/') + 1) + "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(executor.get_task_status(unknown).status, "NOT_FOUND");

  auto arns = executor.run_task_batch("record-run", {{{"town", "A"}}, {{"town", "B"}}});
  EXPECT_TRUE(arns[0].has_value() && arns[1].has_value());
  auto missing = executor.run_task_batch("never-registered", {{{"town", "A"}}});
  EXPECT_FALSE(missing[0].has_value());

  // The container's entry point, with the environment ECS was given.
  auto runs = ferretdb()["tasks_test"]["runs"];
  static_cast<void>(runs.delete_many(Json::object()));
  auto run = [](std::map<std::string, std::string> env, const std::vector<std::string>& args) {
    std::string log = "/tmp/aws-helper-task-" + std::to_string(::getpid()) + ".log";
    std::vector<std::string> argv = {TEST_SERVICE_BOOTSTRAP};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::Process process(argv, log, env);
    int code = process.wait(std::chrono::seconds(30));
    ::unlink(log.c_str());
    return code;
  };
  EXPECT_EQ(run(environment, {"task"}), 0);  // the name from TASK_NAME
  auto docs = runs.find(Json::object()).to_list();
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["town"], "Norwalk");
  EXPECT_EQ(docs[0]["state"], "connecticut");
  EXPECT_EQ(docs[0]["task_name"], "record-run");
  EXPECT_EQ(docs[0]["constitution_state"], "connecticut");

  auto failing = environment;
  failing["TOWN"] = "fail";
  EXPECT_EQ(run(failing, {"task", "record-run"}), 1);
  auto bad_state = environment;
  bad_state["SESSION"] = R"({"state": "atlantis"})";
  EXPECT_EQ(run(bad_state, {"task", "record-run"}), 1);
  auto no_session = environment;
  no_session.erase("SESSION");
  EXPECT_EQ(run(no_session, {"task", "record-run"}), 1);
  EXPECT_EQ(run(environment, {"task", "no-such-task"}), 1);
  EXPECT_EQ(runs.count_documents(Json::object()), 1);
}

// LambdaInvoker's path is the Invoke API's, which the emulator serves for the function named
// "function".
// process_run against moto: the run events of Python 1.8's monitoring, through SNS to a queue.
class ProcessRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::peer_env("AWS_HELPER_MOTO_URL");
    topic_ = sns_.create_topic(unique("process-runs"));
    queue_ = sqs_.create(unique("process-runs"));
    sns_.subscribe(topic_, queue_, true);
  }
  // The events received, in the order of their status (launched first).
  std::vector<Json> events(std::size_t count) {
    std::vector<Json> out;
    for (const auto& record : sqs_.receive(queue_, count))
      out.push_back(Json::parse(record["body"].get<std::string>()));
    std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
      return (a["status"] == "launched") > (b["status"] == "launched");
    });
    return out;
  }
  Sqs sqs_;
  Sns sns_;
  std::string topic_;
  Queue queue_;
};

TEST_F(ProcessRunTest, ASuccessfulRunPublishesLaunchedThenSuccessWithItsCounters) {
  testing::ScopedEnv env{{"PROCESS_RUNS_TOPIC_ARN", topic_},
                         {"PROCESS_CODE", std::nullopt},
                         {"AWS_LAMBDA_FUNCTION_NAME", "business-region-sync"}};
  SessionScope scope{Session{"connecticut", std::nullopt}};
  int result = process_run(
      [](RunReporter& run) {
        run.count("regions_received", 3);
        run.count("regions_received");
        run.set_scope("ct-north");
        return 42;
      },
      {.scope = "ct", .resource_arn = "arn:aws:lambda:us-east-2:1:function:sync"});
  EXPECT_EQ(result, 42);
  auto received = events(2);
  ASSERT_EQ(received.size(), 2U);
  const Json& launched = received[0];
  const Json& success = received[1];
  EXPECT_EQ(launched["status"], "launched");
  EXPECT_EQ(launched["process_code"], "business-region-sync");
  EXPECT_EQ(launched["state"], "connecticut");
  EXPECT_EQ(launched["scope"], "ct");
  EXPECT_EQ(launched["resource_arn"], "arn:aws:lambda:us-east-2:1:function:sync");
  EXPECT_EQ(launched["run_id"].get<std::string>().size(), 36U);
  EXPECT_FALSE(launched.contains("parent_run_id"));  // unset fields are left out, as Python
  EXPECT_FALSE(launched.contains("finished_at"));
  EXPECT_EQ(success["status"], "success");
  EXPECT_EQ(success["run_id"], launched["run_id"]);
  EXPECT_EQ(success["started_at"], launched["started_at"]);
  EXPECT_TRUE(success["finished_at"].get<std::string>().ends_with("+00:00")) << success;
  EXPECT_EQ(success["counters"], Json::parse(R"({"regions_received": 4})"));
  EXPECT_EQ(success["scope"], "ct-north");
  EXPECT_FALSE(success.contains("error"));
}

TEST_F(ProcessRunTest, AFailedRunIsReportedAndTheErrorGoesOnUnchanged) {
  testing::ScopedEnv env{{"PROCESS_RUNS_TOPIC_ARN", topic_}};
  EXPECT_THROW(process_run(
                   [](RunReporter& run) {
                     run.count("rows", 10);
                     throw ValueError("row 11 has no id");
                   },
                   {.process_code = "import-rows", .run_id = "run-1", .parent_run_id = "run-0"}),
               ValueError);
  auto received = events(2);
  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(received[1]["status"], "failed");
  EXPECT_EQ(received[1]["run_id"], "run-1");
  EXPECT_EQ(received[1]["parent_run_id"], "run-0");
  EXPECT_EQ(received[1]["error"], "ValueError: row 11 has no id");
  EXPECT_EQ(received[1]["counters"], Json::parse(R"({"rows": 10})"));
}

TEST_F(ProcessRunTest, TheScopeFormReportsAnExceptionInFlightAsFailed) {
  testing::ScopedEnv env{{"PROCESS_RUNS_TOPIC_ARN", topic_}};
  try {
    ProcessRun run({.process_code = "nightly", .state = "ohio"});
    run.count("seen");
    throw std::runtime_error("disk full");
  } catch (const std::runtime_error&) {
  }
  auto received = events(2);
  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(received[0]["state"], "ohio");
  EXPECT_EQ(received[1]["status"], "failed");
  EXPECT_EQ(received[1]["error"], "the run ended with an exception in flight");
}

TEST_F(ProcessRunTest, MonitoringNeverBreaksTheRun) {
  // No process code: the work runs, nothing is published.
  {
    testing::ScopedEnv env{{"PROCESS_RUNS_TOPIC_ARN", topic_},
                           {"PROCESS_CODE", std::nullopt},
                           {"AWS_LAMBDA_FUNCTION_NAME", std::nullopt}};
    ProcessRun run;
    EXPECT_FALSE(run.reported());
  }
  // No topic, a topic that does not exist, SNS unreachable: the work's result still comes back.
  testing::ScopedEnv no_topic{{"PROCESS_RUNS_TOPIC_ARN", std::nullopt}};
  EXPECT_EQ(process_run([](RunReporter&) { return 1; }, {.process_code = "a"}), 1);
  testing::ScopedEnv missing{
      {"PROCESS_RUNS_TOPIC_ARN", "arn:aws:sns:us-east-2:123456789012:no-such-topic"}};
  EXPECT_EQ(process_run([](RunReporter&) { return 2; }, {.process_code = "a"}), 2);
  testing::ScopedEnv down{{"PROCESS_RUNS_TOPIC_ARN", topic_},
                          {"AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:1"}};
  EXPECT_EQ(process_run([](RunReporter&) { return 3; }, {.process_code = "a"}), 3);
  // And none of those reached the queue.
  EXPECT_TRUE(sqs_.receive_now(queue_).empty());
}

class LambdaInvokerTest : public ::testing::Test {
 protected:
  void point_at(const Emulator& emulator) {
    ::setenv("AWS_ENDPOINT_URL_LAMBDA",
             ("http://127.0.0.1:" + std::to_string(emulator.invoke_port())).c_str(), 1);
  }
  void TearDown() override { ::unsetenv("AWS_ENDPOINT_URL_LAMBDA"); }
};

TEST_F(LambdaInvokerTest, ReturnsTheReplyAndAddsTheCurrentSession) {
  static_cast<void>(ferretdb()["core"]["states"].update_one(
      {{"name", "ohio"}}, {{"$set", {{"is_active", true}}}}, true));
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
  point_at(emulator);
  LambdaInvoker invoker;
  SessionScope scope{Session{"ohio", std::nullopt}};
  auto reply = invoker.invoke("function", {{"data", {{"x", 1}}}});
  EXPECT_EQ(reply, (Json{{"success", true}, {"data", {{"state", "ohio"}, {"data", {{"x", 1}}}}}}));
  // A session in the payload is left alone.
  auto other =
      invoker.invoke("function", {{"data", {{"x", 2}}}, {"session", {{"state", "atlantis"}}}});
  EXPECT_EQ(other["success"], false);
  EXPECT_EQ(other["error_type"], "InvalidStateError");
  EXPECT_NO_THROW(invoker.invoke_async("function", {{"data", {{"x", 3}}}}));
}

TEST_F(LambdaInvokerTest, AFunctionErrorIsALambdaResponseError) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:throw-int");
  point_at(emulator);
  LambdaInvoker invoker;
  try {
    static_cast<void>(invoker.invoke("function", {{"data", {{"throw", true}}}}));
    FAIL() << "no error";
  } catch (const LambdaResponseError& error) {
    EXPECT_FALSE(error.function_error().empty());
    EXPECT_TRUE(error.payload().contains("errorType")) << error.payload().dump();
  }
}

TEST_F(LambdaInvokerTest, AnUnreachableEndpointIsALambdaInvocationError) {
  ::setenv("AWS_ENDPOINT_URL_LAMBDA",
           ("http://127.0.0.1:" + std::to_string(testing::unused_port())).c_str(), 1);
  ::setenv("AWS_MAX_ATTEMPTS", "1", 1);
  LambdaInvoker invoker;
  EXPECT_THROW(static_cast<void>(invoker.invoke("function", Json::object())),
               LambdaInvocationError);
  EXPECT_THROW(invoker.invoke_async("function", Json::object()), LambdaInvocationError);
  ::unsetenv("AWS_MAX_ATTEMPTS");
}

// A moto of our own with request authentication on: the first three calls (unauthenticated)
// create a user and its key; after that every request must carry a valid signature.
TEST(SignatureCheckTest, MotoWithAuthenticationRefusesAWrongSignatureAndAcceptsOurs) {
  std::string moto = std::string(AWS_HELPER_SOURCE_DIR) + "/.peers/venv/bin/moto_server";
  if (const char* peers = std::getenv("AWS_HELPER_PEERS_DIR")) {
    moto = std::string(peers) + "/venv/bin/moto_server";
  }
  int port = testing::unused_port();
  std::string log = "/tmp/aws-helper-moto-auth-" + std::to_string(::getpid()) + ".log";
  testing::Process server({moto, "-H", "127.0.0.1", "-p", std::to_string(port)}, log,
                          {{"INITIAL_NO_AUTH_ACTION_COUNT", "3"}});
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  for (int i = 0; i < 300; ++i) {
    httplib::Client probe("127.0.0.1", port);
    if (probe.Get("/moto-api/")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::setenv("AWS_ENDPOINT_URL_IAM", url.c_str(), 1);
  ::setenv("AWS_ENDPOINT_URL_SNS", url.c_str(), 1);
  ::setenv("AWS_ENDPOINT_URL_LAMBDA", url.c_str(), 1);
  ::setenv("AWS_MAX_ATTEMPTS", "1", 1);
  aws::AwsClient iam("iam", "IAM", "us-east-1");
  static_cast<void>(iam.query("CreateUser", "2010-05-08", {{"UserName", "tester"}}));
  auto key = iam.query("CreateAccessKey", "2010-05-08", {{"UserName", "tester"}});
  static_cast<void>(iam.query(
      "PutUserPolicy", "2010-05-08",
      {{"UserName", "tester"},
       {"PolicyName", "everything"},
       {"PolicyDocument",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"}}));
  auto key_id = aws::xml_text(key.body, "AccessKeyId").value_or("");
  auto secret = aws::xml_text(key.body, "SecretAccessKey").value_or("");
  ASSERT_FALSE(key_id.empty()) << key.body;

  ::setenv("AWS_ACCESS_KEY_ID", key_id.c_str(), 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", (secret + "x").c_str(), 1);
  aws::AwsClient sns("sns", "SNS");
  try {
    static_cast<void>(sns.query("CreateTopic", "2010-03-31", {{"Name", "signed"}}));
    ADD_FAILURE() << "a wrong signature was accepted";
  } catch (const aws::AwsError& error) {
    EXPECT_EQ(error.code(), "SignatureDoesNotMatch") << error.what();
    EXPECT_EQ(error.status(), 403);
  }

  ::setenv("AWS_SECRET_ACCESS_KEY", secret.c_str(), 1);
  auto topic = sns.query("CreateTopic", "2010-03-31", {{"Name", "signed"}});
  auto topic_arn = aws::xml_text(topic.body, "TopicArn").value_or("");
  EXPECT_FALSE(topic_arn.empty());
  SNSPublisher publisher(topic_arn);
  EXPECT_FALSE(publisher.publish(Json{{"content", {{"signed", true}}}}).message_id.empty());
  // An ARN with a qualifier in the path: a signing mistake would be SignatureDoesNotMatch;
  // moto knows no such function, so a correct signature gets ResourceNotFound.
  try {
    static_cast<void>(LambdaInvoker().invoke(
        "arn:aws:lambda:us-east-2:123456789012:function:no-such-fn:prod", Json::object()));
    ADD_FAILURE() << "no error";
  } catch (const LambdaInvocationError& error) {
    EXPECT_NE(std::string(error.what()).find("ResourceNotFound"), std::string::npos)
        << error.what();
  }

  for (const char* name : {"AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_SNS",
                           "AWS_ENDPOINT_URL_LAMBDA", "AWS_MAX_ATTEMPTS"}) {
    ::unsetenv(name);
  }
  ::setenv("AWS_ACCESS_KEY_ID", "testing", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
  ::unlink(log.c_str());
}

}  // namespace
}  // namespace aws_helper
