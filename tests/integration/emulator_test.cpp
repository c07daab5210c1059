// End to end: a real bootstrap under the real Runtime Interface Emulator.
#include "support/emulator.hpp"

#include <gtest/gtest.h>

#include <aws_helper/document.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

namespace aws_helper {
namespace {

using testing::Emulator;

// The states these tests use, in core.states of the FerretDB that ./scripts/test started (the
// bootstraps inherit MONGODB_URI and validate states there).
class SeedStates : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* uri = std::getenv("AWS_HELPER_FERRETDB_URI");
    if (uri == nullptr || *uri == '\0') {
      ADD_FAILURE() << "AWS_HELPER_FERRETDB_URI is not set: run through ./scripts/test";
      return;
    }
    Cluster ferretdb(uri);
    auto states = ferretdb["core"]["states"];
    for (const char* name : {"connecticut", "ohio", "maine", "texas", "utah"}) {
      states.update_one({{"name", name}}, {{"$set", {{"is_active", true}}}}, true);
    }
    states.update_one({{"name", "vermont"}}, {{"$set", {{"is_active", false}}}}, true);
    // As Python 1.8.1 and later core data marks states: `status` alone.
    states.update_one({{"name", "iowa"}}, {{"$set", {{"status", "active"}}}}, true);
    states.update_one({{"name", "nevada"}}, {{"$set", {{"status", "inactive"}}}}, true);
  }
};
const auto* const kSeedStates = ::testing::AddGlobalTestEnvironment(new SeedStates);

Json invoke_json(const Emulator& emulator, const std::string& payload,
                 const httplib::Headers& headers = {}) {
  auto reply = emulator.invoke(payload, headers);
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Json::parse(reply.body);
}

TEST(EmulatorTest, SuccessEnvelopeWithSession) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
  Json reply = invoke_json(emulator, R"({"session":{"state":"connecticut"},"data":{"n":1}})");
  EXPECT_EQ(reply,
            (Json{{"success", true}, {"data", {{"state", "connecticut"}, {"data", {{"n", 1}}}}}}));
}

TEST(EmulatorTest, MissingSessionIsAnErrorEnvelope) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
  Json reply = invoke_json(emulator, R"({"data":{"n":1}})");
  EXPECT_EQ(reply, (Json{{"success", false},
                         {"error", "'session' with 'state' is required in the event"},
                         {"error_type", "ValueError"}}));
}

TEST(EmulatorTest, InactiveStateIsRefusedAgainstCoreStates) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"vermont"},"data":{}})"),
            (Json{{"success", false},
                  {"error", "State 'vermont' is not valid or not active"},
                  {"error_type", "InvalidStateError"}}));
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"atlantis"},"data":{}})")["error_type"],
            "InvalidStateError");
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"ohio"},"data":{}})")["success"], true);
  // status "active" (Python 1.8.1 and later) is as good as is_active: true; "inactive" is not.
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"iowa"},"data":{}})")["success"], true);
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"nevada"},"data":{}})")["error_type"],
            "InvalidStateError");
}

TEST(EmulatorTest, StateCheckWithMongoDbDownIsAnErrorEnvelope) {
  Emulator emulator(
      TEST_SERVICE_BOOTSTRAP, "lambda:stateful",
      {{"MONGODB_URI", "mongodb://127.0.0.1:" + std::to_string(testing::unused_port()) +
                           "/?serverSelectionTimeoutMS=300"}});
  Json reply = invoke_json(emulator, R"({"session":{"state":"ohio"},"data":{}})");
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "MongoUnavailableError");
  EXPECT_EQ(reply["error"], "MongoDB is unreachable: no server could be reached in time");
}

TEST(EmulatorTest, MalformedEventIsAnErrorEnvelope) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
  Json reply = invoke_json(emulator, "{\"session\":");
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "ValueError");
  // and the process is still serving
  EXPECT_EQ(invoke_json(emulator, R"({"session":{"state":"ohio"}})")["success"], true);
}

// Each of these took the process down before (a recursive walk of deeply nested input): under
// the emulator, a Runtime.ExitError and a crash loop on every SQS redelivery.
TEST(EmulatorTest, DeeplyNestedInputIsRefusedAndTheProcessGoesOn) {
  const std::string deep = std::string(120000, '[') + std::string(120000, ']');
  {
    Emulator lambda(TEST_SERVICE_BOOTSTRAP, "lambda:stateful");
    Json reply = invoke_json(lambda, R"({"session":{"state":"ohio"},"data":)" + deep + "}");
    EXPECT_EQ(reply["error_type"], "ValueError");
    EXPECT_EQ(reply["error"], "The event is nested deeper than 100 levels (at byte 135)");
    EXPECT_EQ(invoke_json(lambda, R"({"session":{"state":"ohio"}})")["success"], true);
  }
  {
    Emulator api(TEST_SERVICE_BOOTSTRAP, "api");
    Json event = {{"version", "2.0"},
                  {"rawPath", "/parcels"},
                  {"headers", {{"content-type", "application/json"}}},
                  {"requestContext", {{"http", {{"method", "POST"}}}, {"stage", "$default"}}},
                  {"body", deep}};
    Json reply = invoke_json(api, event.dump());
    EXPECT_EQ(reply["statusCode"], 400);
    EXPECT_EQ(Json::parse(reply["body"].get<std::string>())["message"],
              "The request body is nested deeper than 100 levels (at byte 101)");
    event["body"] = R"({"carrier_id":"acme"})";
    EXPECT_EQ(invoke_json(api, event.dump())["statusCode"], 201);
  }
  {
    // An SQS record whose body is nested too deep fails alone (SQS redelivers it, then moves it
    // to the dead-letter queue); the record beside it is processed.
    Emulator consumer(TEST_SERVICE_BOOTSTRAP, "sqs:session-echo");
    Json records = Json::array({{{"messageId", "deep-1"}, {"body", deep}},
                                {{"messageId", "fine-2"}, {"body", R"({"fail":false})"}}});
    Json reply = invoke_json(consumer, Json{{"Records", records}}.dump());
    EXPECT_EQ(reply["batchItemFailures"], Json::parse(R"([{"itemIdentifier":"deep-1"}])"))
        << reply.dump();
    EXPECT_EQ(reply["successful"], 1);
  }
  // A whole event nested too deep is refused as an event (every record reported failed).
  {
    Emulator consumer(TEST_SERVICE_BOOTSTRAP, "sqs:session-echo");
    auto reply = consumer.invoke(deep);
    EXPECT_NE(reply.body.find("nested deeper than 100 levels"), std::string::npos) << reply.body;
    Json fine = {{"Records", Json::array({{{"messageId", "m"}, {"body", "{}"}}})}};
    EXPECT_EQ(invoke_json(consumer, fine.dump())["batchItemFailures"], Json::array());
  }
}

TEST(EmulatorTest, AnUnknownAuthorizationModeIsAnInitErrorNotAnOpenDoor) {
  Emulator api(TEST_SERVICE_BOOTSTRAP, "api", {{"AUTHORIZATION", "permisson"}});  // a typo
  auto reply = api.invoke(
      R"({"version":"2.0","rawPath":"/parcels","requestContext":{"http":{"method":"GET"}}})");
  EXPECT_EQ(reply.status, 502) << reply.body;
  Json error = Json::parse(reply.body);
  EXPECT_EQ(error["errorType"], "ConfigurationError");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("AUTHORIZATION is not a known mode"),
            std::string::npos)
      << reply.body;
}

TEST(EmulatorTest, StdExceptionIsAnEnvelopeAndTheNextInvocationSucceeds) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:throw-std");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(invoke_json(emulator, "{}"),
              (Json{{"success", false}, {"error", "kaboom"}, {"error_type", "RuntimeError"}}));
  }
}

TEST(EmulatorTest, NonStandardExceptionIsARuntimeErrorAndTheProcessGoesOn) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:throw-int");
  Json error = invoke_json(emulator, "{}");
  EXPECT_EQ(error["errorType"], "UnknownException");
  EXPECT_EQ(error["stackTrace"], Json::array());
  EXPECT_EQ(invoke_json(emulator, R"({"data":{"throw":false}})"),
            (Json{{"success", true}, {"data", "no throw"}}));
  // One bootstrap served both: the emulator started the runtime once.
  EXPECT_EQ(emulator.output().find("exited"), std::string::npos) << emulator.output();
}

TEST(EmulatorTest, ReplyOverSixMegabytesIsAnErrorNotACrash) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:big-reply");
  Json error = invoke_json(emulator, R"({"bytes":7000000})");
  EXPECT_EQ(error["errorType"], "Function.ResponseSizeTooLarge");
  EXPECT_EQ(invoke_json(emulator, R"({"bytes":5})"), (Json{{"success", true}, {"data", "xxxxx"}}));
  EXPECT_NE(emulator.output().find("exceeded maximum allowed payload size"), std::string::npos);
}

TEST(EmulatorTest, ReplyJustUnderTheLimitIsDelivered) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:big-reply");
  // envelope overhead is 26 bytes: {"success":true,"data":"..."}
  auto reply = emulator.invoke(R"({"bytes":6000000})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body.size(), 6000000u + 26u);
}

// The emulator runs a no-op tracer: it never sends Lambda-Runtime-Trace-Id, whatever the caller
// sends. What can be seen end to end is that the variable follows the invocation: a stale value
// inherited from the environment is cleared. That a trace id Lambda does send reaches both the
// context and _X_AMZN_TRACE_ID is covered against the fake Runtime API (tests/unit/runtime_test).
TEST(EmulatorTest, TraceVariableFollowsTheInvocationNotTheEnvironment) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:context-info",
                    {{"_X_AMZN_TRACE_ID", "Root=1-stale-from-environment"}});
  Json reply = invoke_json(emulator, "{}",
                           {{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"}});
  EXPECT_EQ(reply["data"]["trace_id"], "");
  EXPECT_TRUE(reply["data"]["trace_env"].is_null()) << reply.dump();
}

TEST(EmulatorTest, ContextCarriesEveryLambdaHeader) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:context-info",
                    {{"AWS_LAMBDA_FUNCTION_NAME", "orders"}});
  // The emulator takes the client context base64-encoded, as the Invoke API does.
  Json reply =
      invoke_json(emulator, "{}",
                  {{"X-Amzn-RequestId", "11111111-2222-3333-4444-555555555555"},
                   {"X-Amz-Client-Context", "eyJjdXN0b20iOnsiYSI6MX19"},
                   {"X-Amz-Cognito-Identity",
                    R"({"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"p"})"},
                   {"X-Amz-Tenant-Id", "tenant-42"}});
  const Json& data = reply["data"];
  EXPECT_EQ(data["request_id"], "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(data["function_arn"], "arn:aws:lambda:us-east-1:012345678912:function:orders");
  EXPECT_EQ(Json::parse(data["client_context"].get<std::string>()), (Json{{"custom", {{"a", 1}}}}));
  EXPECT_NE(data["cognito_identity"].get<std::string>().find("us-east-1:abc"), std::string::npos)
      << data.dump();
  EXPECT_EQ(data["tenant_id"], "tenant-42");
}

TEST(EmulatorTest, RemainingTimeFollowsTheFunctionTimeout) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:context-info",
                    {{"AWS_LAMBDA_FUNCTION_TIMEOUT", "20"}});
  Json reply = invoke_json(emulator, "{}");
  auto remaining = reply["data"]["remaining_ms"].get<long long>();
  EXPECT_GT(remaining, 18000);
  EXPECT_LE(remaining, 20000);
}

TEST(EmulatorTest, SessionNeverLeaksBetweenInvocations) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:context-info");
  Json first =
      invoke_json(emulator, R"({"session":{"state":"ohio","user":{"id":1,"password":"p"}}})");
  EXPECT_EQ(first["data"]["session"], (Json{{"state", "ohio"}, {"user", {{"id", 1}}}}));
  Json second = invoke_json(emulator, "{}");
  EXPECT_EQ(second["data"]["session"], Json::object());
}

TEST(EmulatorTest, PoolTasksRunUnderTheInvocationSession) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:fan-out");
  for (const char* state : {"maine", "texas"}) {
    Json reply = invoke_json(emulator, std::string(R"({"session":{"state":")") + state + "\"}}");
    ASSERT_EQ(reply["data"].size(), 16u);
    for (const auto& seen : reply["data"]) EXPECT_EQ(seen, state);
  }
}

TEST(EmulatorTest, LogLinesAreJsonWithRequestIdAndState) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:context-info");
  invoke_json(emulator, R"({"session":{"state":"utah"}})", {{"X-Amzn-RequestId", "req-log-1"}});
  std::string output = emulator.output();
  auto at = output.find(R"({"timestamp")");
  bool found = false;
  while (at != std::string::npos) {
    auto end = output.find('\n', at);
    Json line = Json::parse(output.substr(at, end - at));
    if (line["message"] == "context-info called") {
      EXPECT_EQ(line["level"], "INFO");
      EXPECT_EQ(line["logger"], "ContextInfoLambda");
      EXPECT_EQ(line["requestId"], "req-log-1");
      EXPECT_EQ(line["state"], "utah");
      found = true;
    }
    at = output.find(R"({"timestamp")", end);
  }
  EXPECT_TRUE(found) << output;
}

TEST(EmulatorTest, UnknownHandlerIsAnInitErrorListingTheKnownOnes) {
  Emulator emulator(TEST_SERVICE_BOOTSTRAP, "lambda:nope");
  auto reply = emulator.invoke("{}");
  EXPECT_EQ(reply.status, 502);
  Json error = Json::parse(reply.body);
  EXPECT_EQ(error["errorType"], "Runtime.UnknownHandler");
  EXPECT_EQ(
      error["errorMessage"],
      "Unknown handler 'lambda:nope'. Known handlers: api, lambda:big-reply, "
      "lambda:context-info, lambda:fan-out, lambda:model-query, lambda:stateful, lambda:throw-int, "
      "lambda:throw-std, lambda:validated, sqs:orders-batch, sqs:session-echo, sqs:trace-relay");
}

Cluster ferretdb() {
  return Cluster(std::getenv("AWS_HELPER_FERRETDB_URI"));
}

TEST(EmulatorTest, DemoGenerateRouteAnswersTheDocumentedCurl) {
  std::string demo = DEMO_BOOTSTRAP;
  ASSERT_FALSE(demo.empty()) << "examples/demo is not part of this build";
  const std::string id = "65f1a2b3c4d5e6f7a8b9c0d1";
  auto shippings = ferretdb()["deliveries"]["shippings"];
  shippings.replace_one({{"_id", object_id(id)}},
                        {{"_id", object_id(id)}, {"status", "pending"}, {"carrier_id", "c-9"}},
                        true);
  Emulator emulator(demo, "lambda:generate-route");
  Json reply = invoke_json(
      emulator, R"({"session":{"state":"connecticut"},"data":{"shipping_id":")" + id + "\"}}");
  ASSERT_EQ(reply["success"], true) << reply.dump();
  EXPECT_EQ(reply["data"]["shipping_id"], id);
  std::string route_id = reply["data"]["route_id"];  // plain hex, as the seed serialises it
  ASSERT_TRUE(is_object_id_hex(route_id)) << route_id;
  auto route = ferretdb()["deliveries"]["routes"].find_one({{"_id", object_id(route_id)}});
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ((*route)["shipping_id"], object_id(id));
  EXPECT_EQ((*route)["carrier_id"], "c-9");
  EXPECT_EQ((*route)["state"], "connecticut");
  EXPECT_EQ((*shippings.find_one({{"_id", object_id(id)}}))["status"], "scheduled");

  Json unknown = invoke_json(
      emulator,
      R"({"session":{"state":"connecticut"},"data":{"shipping_id":"65f1a2b3c4d5e6f7a8b9c0ff"}})");
  EXPECT_EQ(unknown, (Json{{"success", false},
                           {"error", "Shipping 65f1a2b3c4d5e6f7a8b9c0ff not found"},
                           {"error_type", "ValueError"}}));
  Json bad =
      invoke_json(emulator, R"({"session":{"state":"connecticut"},"data":{"shipping_id":"xyz"}})");
  EXPECT_EQ(bad["error"], "'xyz' is not a valid ObjectId");
  Json missing = invoke_json(emulator, R"({"session":{"state":"connecticut"},"data":{}})");
  EXPECT_EQ(missing["error"], "shipping_id is required");
}

TEST(EmulatorTest, DemoLandRecordsUseStateScopedRepositories) {
  std::string demo = DEMO_BOOTSTRAP;
  ASSERT_FALSE(demo.empty());
  (void)ferretdb()["utah"].run_command({{"dropDatabase", 1}});
  ferretdb()["core"]["towns"].update_one({{"name", "Provo"}}, {{"$set", {{"platform", "x"}}}},
                                         true);
  Emulator emulator(demo, "lambda:land-records");
  std::string event =
      R"({"session":{"state":"utah"},"data":{"town":"Provo","records":[{"unique_id":"r1","owner":"Ana"},{"unique_id":"r2","owner":"Bo"}]}})";
  Json first = invoke_json(emulator, event);
  ASSERT_EQ(first["success"], true) << first.dump();
  EXPECT_EQ(first["data"]["upserted"], 2);
  EXPECT_EQ(first["data"]["town_known"], true);
  EXPECT_EQ(invoke_json(emulator, event)["data"]["upserted"], 0);
  EXPECT_EQ(ferretdb()["utah"]["records"].count_documents(), 2);
  EXPECT_EQ(ferretdb()["connecticut"]["records"].count_documents({{"unique_id", "r1"}}), 0);
  // The external cluster is not configured here: a clear configuration error, not a crash.
  Json external = invoke_json(
      emulator, R"({"session":{"state":"utah"},"data":{"records":[],"address_query":{}}})");
  EXPECT_EQ(external["error_type"], "ConfigurationError");
  EXPECT_EQ(external["error"],
            "External MongoDB cluster 'ClusterDockets' not configured. Available clusters: []");
}

}  // namespace
}  // namespace aws_helper
