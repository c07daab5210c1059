// `bootstrap template sam` from a service's tables (src/service/deploy_template.cpp), and a
// standalone Lambda answering CloudFormation as a custom resource (the index sync on deploy):
// the reply is PUT to a local server standing in for the presigned S3 ResponseURL. cfn-lint
// checks the demo's template in tests/tools.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/deploy_template.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/model_index_sync.hpp>
#include <aws_helper/service.hpp>

namespace aws_helper {
namespace {

std::atomic<int> runs{0};

class EchoLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  Json process() override {
    ++runs;
    if (data().value("fail", false)) throw ValueError("the sync failed: 2 of 3 units");
    return {{"got", data()}};
  }
};

class SyncLambda : public ModelIndexSyncLambda {
 public:
  [[nodiscard]] std::vector<RepositoryFactory> repositories() const override { return {}; }
};

class OrdersConsumer : public SQSConsumer {
 public:
  void process_record(const Json& /*record*/) override {}
};

class ReportTask : public FargateTask {
 public:
  void execute() override {}
};

class ItemsListAPI : public API {
 public:
  void process() override {}
};
class ItemsGetAPI : public API {
 public:
  void process() override {}
};

const LambdaEntry kLambdas[] = {
    {"echo", "EchoLambda", "src/lambda/echo/main.cpp",
     []() -> std::unique_ptr<Lambda> { return std::make_unique<EchoLambda>(); }},
    {"model-index-sync", "ModelIndexSyncLambda", "src/lambda/model-index-sync/main.cpp",
     []() -> std::unique_ptr<Lambda> { return std::make_unique<SyncLambda>(); }},
};
const ApiEntry kApis[] = {
    {"items", "list", "ItemsListAPI", "src/api/items/list.cpp",
     []() -> std::unique_ptr<API> { return std::make_unique<ItemsListAPI>(); }},
    {"items", "get", "ItemsGetAPI", "src/api/items/get.cpp",
     []() -> std::unique_ptr<API> { return std::make_unique<ItemsGetAPI>(); }},
};
const ConsumerEntry kConsumers[] = {
    {"orders", "OrdersConsumer", "src/consumer/orders.cpp",
     []() -> std::unique_ptr<SQSConsumer> { return std::make_unique<OrdersConsumer>(); }}};
const TaskEntry kTasks[] = {
    {"nightly-report", "NightlyReportTask", "src/task/nightly-report/task.cpp",
     []() -> std::unique_ptr<FargateTask> { return std::make_unique<ReportTask>(); }}};
const ServiceDefinition kService{"shop", kLambdas, kApis, kConsumers, kTasks};

TEST(SamTemplateTest, OneFunctionPerHandlerRunningTheOneBootstrap) {
  Json doc = sam_template(kService, {.code_uri = "build/shop.zip"});
  EXPECT_EQ(doc["Transform"], "AWS::Serverless-2016-10-31");
  const Json& globals = doc["Globals"]["Function"];
  EXPECT_EQ(globals["Runtime"], "provided.al2023");
  EXPECT_EQ(globals["CodeUri"], "build/shop.zip");
  EXPECT_EQ(globals["Environment"]["Variables"]["MONGODB_URI"], Json({{"Ref", "MongoDbUri"}}));
  EXPECT_EQ(globals["Environment"]["Variables"]["SERVICE_NAME"], "shop");
  EXPECT_EQ(doc["Parameters"]["MongoDbUri"]["NoEcho"], true);
  const Json& resources = doc["Resources"];
  EXPECT_EQ(resources["ApiFunction"]["Properties"]["Handler"], "api");
  const Json& events = resources["ApiFunction"]["Properties"]["Events"];
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events["GetItems"]["Properties"], Json({{"Path", "/items"}, {"Method", "GET"}}));
  EXPECT_EQ(events["GetItemsId"]["Properties"]["Path"], "/items/{id}");
  EXPECT_EQ(resources["EchoFunction"]["Properties"]["Handler"], "lambda:echo");
  EXPECT_EQ(resources["EchoFunction"]["Properties"]["FunctionName"],
            Json({{"Fn::Sub", "${AWS::StackName}-echo"}}));
}

TEST(SamTemplateTest, AConsumerGetsItsQueueADeadLetterQueueAndPartialBatchReplies) {
  Json doc = sam_template(kService);
  const Json& resources = doc["Resources"];
  const Json& consumer = resources["OrdersConsumerFunction"]["Properties"];
  EXPECT_EQ(consumer["Handler"], "sqs:orders");
  const Json& mapping = consumer["Events"]["Queue"];
  EXPECT_EQ(mapping["Type"], "SQS");
  EXPECT_EQ(mapping["Properties"]["FunctionResponseTypes"],
            Json::array({"ReportBatchItemFailures"}));
  EXPECT_EQ(mapping["Properties"]["Queue"], Json({{"Fn::GetAtt", {"OrdersQueue", "Arn"}}}));
  const Json& queue = resources["OrdersQueue"]["Properties"];
  EXPECT_EQ(queue["VisibilityTimeout"], 180);
  EXPECT_EQ(queue["RedrivePolicy"]["deadLetterTargetArn"],
            Json({{"Fn::GetAtt", {"OrdersDeadLetterQueue", "Arn"}}}));
  EXPECT_EQ(resources["OrdersDeadLetterQueue"]["Type"], "AWS::SQS::Queue");
}

TEST(SamTemplateTest, TasksGetADefinitionNamedAsTheExecutorLaunchesThem) {
  Json doc = sam_template(kService, {.image = "123.dkr.ecr.us-east-1.amazonaws.com/shop:1"});
  const Json& definition = doc["Resources"]["NightlyReportTaskDefinition"]["Properties"];
  EXPECT_EQ(definition["Family"], "nightly-report");
  const Json& container = definition["ContainerDefinitions"][0];
  EXPECT_EQ(container["Name"], "nightly-report");
  EXPECT_EQ(container["Image"], "123.dkr.ecr.us-east-1.amazonaws.com/shop:1");
  EXPECT_EQ(container["Environment"][0],
            Json({{"Name", "TASK_NAME"}, {"Value", "nightly-report"}}));
  EXPECT_FALSE(doc["Parameters"].contains("TaskImage")) << "an image was given";
  EXPECT_EQ(doc["Globals"]["Function"]["Environment"]["Variables"]["ECS_CLUSTER"],
            Json({{"Ref", "TaskCluster"}}));
  EXPECT_TRUE(doc["Resources"]["EchoFunction"]["Properties"].contains("Policies"));
  EXPECT_TRUE(sam_template(kService)["Parameters"].contains("TaskImage"));
}

class NeedsTopicLambda : public Lambda {
 public:
  NeedsTopicLambda() { throw ConfigurationError("TOPIC_ARN is not set"); }
  Json process() override { return nullptr; }
};

TEST(SamTemplateTest, ALambdaThatCannotBeMadeHereStillGetsItsFunction) {
  const LambdaEntry lambdas[] = {
      {"notify", "NotifyLambda", "src/lambda/notify/main.cpp",
       []() -> std::unique_ptr<Lambda> { return std::make_unique<NeedsTopicLambda>(); }}};
  const ServiceDefinition service{"shop", lambdas};
  Json doc = sam_template(service);
  EXPECT_EQ(doc["Resources"]["NotifyFunction"]["Properties"]["Handler"], "lambda:notify");
  EXPECT_FALSE(doc["Resources"].contains("IndexSync"));
  EXPECT_FALSE(doc["Resources"].contains("ApiFunction")) << "no APIs, no API function";
}

TEST(SamTemplateTest, TheIndexSyncRunsOnDeploy) {
  Json doc = sam_template(kService);
  const Json& sync = doc["Resources"]["IndexSync"];
  EXPECT_EQ(sync["Type"], "Custom::IndexSync");
  EXPECT_EQ(sync["Properties"]["ServiceToken"],
            Json({{"Fn::GetAtt", {"ModelIndexSyncFunction", "Arn"}}}));
  EXPECT_EQ(sync["Properties"]["CodeDigest"].get<std::string>().size(), 16U);
}

// The presigned S3 URL CloudFormation waits on.
class ResponseUrl {
 public:
  ResponseUrl() {
    server_.Put("/response", [this](const httplib::Request& request, httplib::Response&) {
      std::lock_guard lock(mutex_);
      bodies_.push_back(Json::parse(request.body));
      content_types_.push_back(request.get_header_value("Content-Type"));
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ResponseUrl() {
    server_.stop();
    thread_.join();
  }
  ResponseUrl(const ResponseUrl&) = delete;
  ResponseUrl& operator=(const ResponseUrl&) = delete;
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/response?X-Amz-Signature=abc";
  }
  [[nodiscard]] std::vector<Json> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  [[nodiscard]] std::vector<std::string> content_types() const {
    std::lock_guard lock(mutex_);
    return content_types_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Json> bodies_;
  std::vector<std::string> content_types_;
};

Json request_event(const std::string& type, const std::string& url, Json properties) {
  return {{"RequestType", type},
          {"ServiceToken", "arn:aws:lambda:us-east-1:1:function:shop-echo"},
          {"ResponseURL", url},
          {"StackId", "arn:aws:cloudformation:us-east-1:1:stack/shop/guid"},
          {"RequestId", "9f1a2b3c-request"},
          {"ResourceType", "Custom::IndexSync"},
          {"LogicalResourceId", "IndexSync"},
          {"ResourceProperties", std::move(properties)}};
}

Json invoke(const Json& event) {
  runtime::InvocationRequest request;
  request.payload = event.dump();
  return Json::parse(lambda_handler(kLambdas[0])(request));
}

TEST(CustomResourceTest, CreateRunsTheLambdaAndTellsCloudFormation) {
  ResponseUrl cloudformation;
  runs = 0;
  auto properties = Json{{"ServiceToken", "arn:..."}, {"CodeDigest", "ab12"}};
  Json envelope = invoke(request_event("Create", cloudformation.url(), properties));
  EXPECT_EQ(envelope["success"], true);
  EXPECT_EQ(runs, 1);
  auto bodies = cloudformation.bodies();
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_EQ(bodies[0]["Status"], "SUCCESS");
  EXPECT_EQ(bodies[0]["RequestId"], "9f1a2b3c-request");
  EXPECT_EQ(bodies[0]["LogicalResourceId"], "IndexSync");
  EXPECT_EQ(bodies[0]["StackId"], "arn:aws:cloudformation:us-east-1:1:stack/shop/guid");
  EXPECT_EQ(bodies[0]["PhysicalResourceId"], "IndexSync-9f1a2b3c");
  // The properties, without ServiceToken, were the Lambda's data.
  EXPECT_EQ(bodies[0]["Data"], Json({{"got", {{"CodeDigest", "ab12"}}}}));
  EXPECT_EQ(cloudformation.content_types(), std::vector<std::string>{""});
}

TEST(CustomResourceTest, AFailureFailsTheDeployWithItsReason) {
  ResponseUrl cloudformation;
  Json event = request_event("Update", cloudformation.url(), {{"fail", true}});
  event["PhysicalResourceId"] = "IndexSync-first";
  Json envelope = invoke(event);
  EXPECT_EQ(envelope["success"], false);
  auto bodies = cloudformation.bodies();
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_EQ(bodies[0]["Status"], "FAILED");
  EXPECT_EQ(bodies[0]["Reason"], "the sync failed: 2 of 3 units");
  EXPECT_EQ(bodies[0]["PhysicalResourceId"], "IndexSync-first") << "kept, or CFN replaces it";
}

TEST(CustomResourceTest, DeleteSucceedsWithoutRunning) {
  ResponseUrl cloudformation;
  runs = 0;
  Json event = request_event("Delete", cloudformation.url(), Json::object());
  event["PhysicalResourceId"] = "IndexSync-first";
  EXPECT_EQ(invoke(event)["success"], true);
  EXPECT_EQ(runs, 0);
  ASSERT_EQ(cloudformation.bodies().size(), 1U);
  EXPECT_EQ(cloudformation.bodies()[0]["Status"], "SUCCESS");
}

TEST(CustomResourceTest, AnUnreachableResponseUrlIsLoggedNotThrown) {
  runs = 0;
  std::string logged;
  log::set_sink(
      [](std::string_view line, void* out) { static_cast<std::string*>(out)->append(line); },
      &logged);
  Json envelope = invoke(
      request_event("Create", "http://127.0.0.1:1/x?X-Amz-Signature=secret", Json::object()));
  log::set_sink(nullptr, nullptr);
  EXPECT_EQ(envelope["success"], true);
  EXPECT_EQ(runs, 1);
  EXPECT_NE(logged.find("Could not answer CloudFormation"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("secret"), std::string::npos) << "the signature stays out of the logs";
  EXPECT_NE(logged.find("127.0.0.1:1/x?..."), std::string::npos) << logged;
}

TEST(CustomResourceTest, AnEventThatOnlyLooksLikeOneIsData) {
  runs = 0;
  Json envelope = invoke({{"RequestType", "Create"}, {"ResponseURL", 5}});
  EXPECT_EQ(envelope["success"], true);
  EXPECT_EQ(envelope["data"]["got"]["RequestType"], "Create");
}

}  // namespace
}  // namespace aws_helper
