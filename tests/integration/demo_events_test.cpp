// examples/demo's event-driven flows, as its docs show them: POST /constitutions publishes to
// the title-indexed topic (moto) and sqs:title-indexed consumes it; sqs:orders on an SQS event
// in AWS's documented shape; POST /tax-searches launches search-tax-by-town (moto ECS) and the
// task runs with that environment; POST /shippings invokes lambda:generate-route (emulator).
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>

#include "support/emulator.hpp"
#include "support/local_server.hpp"
#include "support/moto.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"

namespace aws_helper {
namespace {

using testing::Emulator;

using testing::ferretdb;

Json invoke(const Emulator& emulator, const Json& event) {
  auto reply = emulator.invoke(event.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Json::parse(reply.body);
}

class DemoEventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static_cast<void>(ferretdb()["core"]["states"].update_one(
        {{"name", "connecticut"}}, {{"$set", {{"is_active", true}}}}, true));
  }
};

TEST_F(DemoEventsTest, ANewConstitutionIsPublishedAndTheTitleIndexedConsumerMarksIt) {
  testing::Sns sns;
  testing::Sqs sqs;
  auto topic = sns.create_topic("title-indexed-" + std::to_string(::getpid()));
  auto queue = sqs.create("title-indexed-" + std::to_string(::getpid()));
  sns.subscribe(topic, queue, false);
  testing::LocalServer server(DEMO_BOOTSTRAP, {}, {{"TITLE_INDEXED_SNS_TOPIC_ARN", topic}});
  auto client = server.client();
  auto created = client.Post(
      "/constitutions", R"({"name": "Chile", "country": "cl", "year": 1980})", "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto id = Json::parse(created->body)["constitution_id"].get<std::string>();

  auto records = sqs.receive(queue, 1);
  ASSERT_EQ(records.size(), 1U);
  auto envelope = Json::parse(records[0]["body"].get<std::string>());
  EXPECT_EQ(envelope["MessageAttributes"]["event_type"]["Value"], "title_indexed");
  Emulator consumer(DEMO_BOOTSTRAP, "sqs:title-indexed");
  auto reply = invoke(consumer, {{"Records", records}});
  EXPECT_EQ(reply["batchItemFailures"], Json::array()) << reply.dump();
  auto stored = ferretdb()["constitution_db"]["constitutions"].find_one({{"_id", object_id(id)}});
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)["title_indexed"], true);
  EXPECT_EQ((*stored)["indexed_title"], "Chile");

  // A message about a constitution that does not exist fails alone.
  auto stray = records[0];
  stray["messageId"] = "stray";
  envelope["Message"] =
      Json{{"constitution_id", "65f1a2b3c4d5e6f7a8b9c0ff"}, {"title", "x"}}.dump();
  stray["body"] = envelope.dump();
  reply = invoke(consumer, {{"Records", {records[0], stray}}});
  EXPECT_EQ(reply["batchItemFailures"], Json::parse(R"([{"itemIdentifier": "stray"}])"));
}

TEST_F(DemoEventsTest, TheOrdersBatchConsumerStoresValidOrdersInTheStateDatabase) {
  std::ifstream in(std::string(AWS_HELPER_SOURCE_DIR) + "/examples/demo/events/orders.json");
  std::stringstream text;
  text << in.rdbuf();
  Json event = Json::parse(text.str());
  auto connecticut = ferretdb()["connecticut"];
  auto orders = connecticut["orders"];
  static_cast<void>(orders.delete_many(Json::object()));
  // The consumer is idempotent by message id: forget what an earlier run of this test processed.
  auto listed = connecticut.run_command({{"listCollections", 1}, {"nameOnly", true}});
  for (const auto& collection : listed["cursor"]["firstBatch"]) {
    auto name = collection.value("name", "");
    if (name.ends_with("idempotency")) static_cast<void>(connecticut[name].delete_many({}));
  }
  Emulator consumer(DEMO_BOOTSTRAP, "sqs:orders");
  auto reply = invoke(consumer, event);
  EXPECT_EQ(reply["processed"], 3) << reply.dump();
  const auto failures =
      Json::parse(R"([{"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6da"}])");
  EXPECT_EQ(reply["batchItemFailures"], failures);
  EXPECT_EQ(orders.count_documents(Json::object()), 2);

  // SQS delivers the batch again: the two orders already processed are not processed again
  // (deleted here, they stay deleted) and count as successful; the invalid one fails again.
  static_cast<void>(orders.delete_many(Json::object()));
  auto again = invoke(consumer, event);
  EXPECT_EQ(again["successful"], 2) << again.dump();
  EXPECT_EQ(again["batchItemFailures"], failures);
  EXPECT_EQ(orders.count_documents(Json::object()), 0);
}

TEST_F(DemoEventsTest, TaxSearchesLaunchTheTaskWhichThenRunsWithItsEnvironment) {
  aws::AwsClient ecs("ecs", "ECS");
  aws::AwsClient ec2("ec2", "EC2");
  const std::string target = "AmazonEC2ContainerServiceV20141113.";
  std::string cluster = "demo-" + std::to_string(::getpid());
  static_cast<void>(ecs.json(target + "CreateCluster", "1.1", {{"clusterName", cluster}}));
  static_cast<void>(
      ecs.json(target + "RegisterTaskDefinition", "1.1",
               {{"family", "search-tax-by-town"},
                {"networkMode", "awsvpc"},
                {"requiresCompatibilities", {"FARGATE"}},
                {"cpu", "256"},
                {"memory", "512"},
                {"containerDefinitions",
                 {{{"name", "search-tax-by-town"}, {"image", "demo:latest"}, {"memory", 512}}}}}));
  auto subnet =
      aws::xml_text(ec2.query("DescribeSubnets", "2016-11-15", {}).body, "subnetId").value_or("");
  // moto 5.2 answers 500 to an awsvpc RunTask without security groups (AWS uses the VPC's
  // default group), so the demo gets one.
  auto group = aws::xml_text(ec2.query("DescribeSecurityGroups", "2016-11-15", {}).body, "groupId")
                   .value_or("");
  testing::LocalServer server(
      DEMO_BOOTSTRAP, {},
      {{"ECS_CLUSTER", cluster}, {"ECS_SUBNETS", subnet}, {"ECS_SECURITY_GROUPS", group}});
  auto client = server.client();
  auto launched = client.Post("/tax-searches", {{"constitution-state", "connecticut"}},
                              R"({"towns": ["Norwalk", "Stamford"]})", "application/json");
  ASSERT_TRUE(launched);
  ASSERT_EQ(launched->status, 202) << launched->body;
  auto tasks = Json::parse(launched->body)["tasks"];
  ASSERT_EQ(tasks.size(), 2U);
  ASSERT_TRUE(tasks[0]["task_arn"].is_string()) << launched->body << server.output();

  auto described = ecs.json(target + "DescribeTasks", "1.1",
                            {{"cluster", cluster}, {"tasks", {tasks[0]["task_arn"]}}});
  std::map<std::string, std::string> environment;
  for (const auto& entry :
       described["tasks"][0]["overrides"]["containerOverrides"][0]["environment"]) {
    environment[entry["name"]] = entry["value"];
  }
  EXPECT_EQ(environment["TOWN"], "Norwalk");
  auto searches = ferretdb()["taxes"]["searches"];
  static_cast<void>(searches.delete_many(Json::object()));
  // The task reports its run (process_run) to the topic core listens on.
  testing::Sns sns;
  testing::Sqs sqs;
  auto runs_topic = sns.create_topic("process-runs-" + std::to_string(::getpid()));
  auto runs_queue = sqs.create("process-runs-" + std::to_string(::getpid()));
  sns.subscribe(runs_topic, runs_queue, true);
  environment["PROCESS_RUNS_TOPIC_ARN"] = runs_topic;
  std::string log = "/tmp/aws-helper-demo-task-" + std::to_string(::getpid()) + ".log";
  testing::Process task({DEMO_BOOTSTRAP, "task"}, log, environment);
  EXPECT_EQ(task.wait(std::chrono::seconds(30)), 0);
  ::unlink(log.c_str());
  auto found = searches.find_one({{"town", "Norwalk"}});
  ASSERT_TRUE(found);
  // The state travelled API -> RunTask overrides (SESSION) -> task.
  EXPECT_EQ((*found)["state"], "connecticut");
  std::map<std::string, Json> runs;
  for (const auto& record : sqs.receive(runs_queue, 2)) {
    Json event = Json::parse(record["body"].get<std::string>());
    runs[event["status"]] = event;
  }
  ASSERT_EQ(runs.count("launched"), 1U);
  ASSERT_EQ(runs.count("success"), 1U);
  EXPECT_EQ(runs["launched"]["process_code"], "search-tax-by-town");
  EXPECT_EQ(runs["launched"]["state"], "connecticut");
  EXPECT_EQ(runs["success"]["scope"], "Norwalk");
  EXPECT_EQ(runs["success"]["counters"], Json::parse(R"({"searches": 1})"));
}

TEST_F(DemoEventsTest, AShippingAsksGenerateRouteForItsRouteAsynchronously) {
  Emulator generate_route(DEMO_BOOTSTRAP, "lambda:generate-route");
  testing::LocalServer server(DEMO_BOOTSTRAP, {},
                              {{"AWS_ENDPOINT_URL_LAMBDA",
                                "http://127.0.0.1:" + std::to_string(generate_route.invoke_port())},
                               {"GENERATE_ROUTE_FUNCTION", "function"}});
  auto client = server.client();
  auto created = client.Post("/shippings", {{"constitution-state", "connecticut"}},
                             R"({"customer_id": "c-9", "address": "9 Elm St", "items": ["crate"]})",
                             "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto body = Json::parse(created->body);
  EXPECT_EQ(body["route_requested"], true);
  auto id = object_id(body["shipping_id"].get<std::string>());
  std::optional<Json> shipping;
  for (int i = 0; i < 100; ++i) {
    shipping = ferretdb()["deliveries"]["shippings"].find_one({{"_id", id}});
    if (shipping && (*shipping)["status"] == "scheduled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(shipping);
  EXPECT_EQ((*shipping)["status"], "scheduled") << generate_route.output();
  EXPECT_EQ(ferretdb()["deliveries"]["routes"].count_documents({{"shipping_id", id}}), 1);
  // Both writes carry the audit fields Python 1.15 writes: no user behind a state-only call,
  // so the author is the process; the route's lifecycle goes to lifecycle_status.
  EXPECT_EQ((*shipping)["created_by"]["type"], "system") << *shipping;
  EXPECT_TRUE((*shipping)["created_at"].contains("$date")) << *shipping;
  EXPECT_TRUE((*shipping)["updated_at"].contains("$date")) << *shipping;
  auto route = ferretdb()["deliveries"]["routes"].find_one({{"shipping_id", id}});
  ASSERT_TRUE(route);
  EXPECT_EQ((*route)["status"], "pending");
  EXPECT_EQ((*route)["lifecycle_status"], "active");
  EXPECT_EQ((*route)["updated_by"], (*route)["created_by"]);

  // Without the state header the API refuses before storing anything.
  auto refused =
      client.Post("/shippings", R"({"customer_id": "c-9", "address": "x", "items": ["y"]})",
                  "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
}

}  // namespace
}  // namespace aws_helper
