// SQSConsumer without peers: message and session extraction, single and batch modes, FIFO
// ordering, handler failures. (States are left out here; the integration test validates them
// against FerretDB.)
#include <cstdlib>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/sqs.hpp>

namespace aws_helper {
namespace {

Json sns_envelope(const Json& message, const std::optional<Json>& session = std::nullopt) {
  Json envelope = {{"Type", "Notification"},
                   {"MessageId", "sns-1"},
                   {"TopicArn", "arn:aws:sns:us-east-2:123456789012:orders"},
                   {"Message", message.is_string() ? message.get<std::string>() : message.dump()}};
  if (session) {
    envelope["MessageAttributes"] = {
        {"session", {{"Type", "String"}, {"Value", base64_encode(session->dump())}}}};
  }
  return envelope;
}

Json record(const std::string& id, const std::string& body, const Json& attributes = Json::object(),
            const std::string& queue = "arn:aws:sqs:us-east-2:123456789012:orders") {
  return {{"messageId", id},
          {"receiptHandle", "rh-" + id},
          {"body", body},
          {"messageAttributes", attributes},
          {"eventSource", "aws:sqs"},
          {"eventSourceARN", queue}};
}

Json raw_session(const Json& session) {
  return {{"session", {{"stringValue", base64_encode(session.dump())}, {"dataType", "String"}}}};
}

std::vector<std::string> failures(const Json& reply) {
  std::vector<std::string> ids;
  for (const auto& failure : reply.at("batchItemFailures")) {
    ids.push_back(failure.at("itemIdentifier").get<std::string>());
  }
  return ids;
}

TEST(SqsContentTest, UnwrapsTheSnsEnvelope) {
  auto r = record("1", sns_envelope(Json{{"order", 7}}).dump());
  EXPECT_EQ(SQSConsumer::extract_content_message(r), (Json{{"order", 7}}));
}

TEST(SqsContentTest, RawDeliveryBodyIsTheMessage) {
  EXPECT_EQ(SQSConsumer::extract_content_message(record("1", R"({"order": 8})")),
            (Json{{"order", 8}}));
  EXPECT_EQ(SQSConsumer::extract_content_message(record("1", "[1,2]")), Json::parse("[1,2]"));
}

TEST(SqsContentTest, TextThatIsNotJsonIsKeptRaw) {
  EXPECT_EQ(SQSConsumer::extract_content_message(record("1", "plain text")),
            (Json{{"raw", "plain text"}}));
  auto envelope = sns_envelope(Json("not json {"));
  EXPECT_EQ(SQSConsumer::extract_content_message(record("1", envelope.dump())),
            (Json{{"raw", "not json {"}, {"sns_notification", true}}));
  EXPECT_EQ(SQSConsumer::extract_content_message(Json{{"messageId", "x"}}), Json::object());
}

TEST(SqsSessionTest, FromTheEnvelopeOrTheRecordAttributes) {
  Json session = {{"state", "ohio"}, {"user", {{"id", "u1"}}}};
  auto from_envelope =
      SQSConsumer::extract_session(record("1", sns_envelope(Json{{"a", 1}}, session).dump()));
  ASSERT_TRUE(from_envelope);
  EXPECT_EQ(from_envelope->state(), "ohio");
  EXPECT_EQ(from_envelope->user()->at("id"), "u1");
  auto from_raw = SQSConsumer::extract_session(record("2", R"({"a":1})", raw_session(session)));
  ASSERT_TRUE(from_raw);
  EXPECT_EQ(from_raw->state(), "ohio");
  EXPECT_FALSE(SQSConsumer::extract_session(record("3", R"({"a":1})")));
}

TEST(SqsSessionTest, AnUnreadableSessionIsIgnored) {
  Json bad = {{"session", {{"stringValue", "%%% not base64"}, {"dataType", "String"}}}};
  EXPECT_FALSE(SQSConsumer::extract_session(record("1", "{}", bad)));
  Json not_object = {{"session", {{"stringValue", base64_encode("[1]")}, {"dataType", "String"}}}};
  EXPECT_FALSE(SQSConsumer::extract_session(record("1", "{}", not_object)));
}

// Records what it saw; content {"fail": true} throws.
class RecordingConsumer : public SQSConsumer {
 public:
  void process_record(const Json& record) override {
    auto content = extract_content_message(record);
    seen.push_back(
        {{"id", record.at("messageId")}, {"user", session().user() ? *session().user() : Json()}});
    if (content.value("fail", false))
      throw ValueError("refused " + record.at("messageId").get<std::string>());
  }
  std::vector<Json> seen;
};

TEST(SqsSingleModeTest, ReportsExactlyTheFailedRecords) {
  RecordingConsumer consumer;
  Json event = {
      {"Records",
       {record("a", R"({"n":1})"), record("b", R"({"fail":true})"), record("c", R"({"n":3})")}}};
  auto reply = consumer.run(event);
  EXPECT_EQ(reply["processed"], 3);
  EXPECT_EQ(reply["successful"], 2);
  EXPECT_EQ(reply["failed"], 1);
  EXPECT_EQ(failures(reply), std::vector<std::string>{"b"});
  EXPECT_EQ(reply["results"][1]["error"], "refused b");
  EXPECT_EQ(consumer.seen.size(), 3U);
}

TEST(SqsSingleModeTest, ARecordWithoutSessionNeverInheritsThePreviousOne) {
  RecordingConsumer consumer;
  Json user_session = {{"user", {{"id", "u1"}, {"password", "secret"}}}};
  Json event = {{"Records", {record("a", "{}", raw_session(user_session)), record("b", "{}")}}};
  static_cast<void>(consumer.run(event));
  ASSERT_EQ(consumer.seen.size(), 2U);
  EXPECT_EQ(consumer.seen[0]["user"], (Json{{"id", "u1"}}));  // password stripped
  EXPECT_TRUE(consumer.seen[1]["user"].is_null());
}

TEST(SqsSingleModeTest, FifoQueuesStopAtTheFirstFailure) {
  RecordingConsumer consumer;
  std::string fifo = "arn:aws:sqs:us-east-2:123456789012:orders.fifo";
  Json event = {
      {"Records",
       {record("a", "{}", Json::object(), fifo),
        record("b", R"({"fail":true})", Json::object(), fifo),
        record("c", "{}", Json::object(), fifo), record("d", "{}", Json::object(), fifo)}}};
  auto reply = consumer.run(event);
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(consumer.seen.size(), 2U);  // c and d never ran
  EXPECT_NE(reply["results"][2]["error"].get<std::string>().find("FIFO"), std::string::npos);
}

TEST(SqsSingleModeTest, TheDefaultProcessRecordFailsEveryRecord) {
  SQSConsumer consumer;
  auto reply = consumer.run({{"Records", {record("a", "{}")}}});
  EXPECT_EQ(failures(reply), std::vector<std::string>{"a"});
  EXPECT_NE(reply["results"][0]["error"].get<std::string>().find("process_record"),
            std::string::npos);
}

TEST(SqsSingleModeTest, AnEventWithoutRecordsIsRefused) {
  SQSConsumer consumer;
  EXPECT_THROW(static_cast<void>(consumer.run(Json{{"Records", "no"}})), ValueError);
  EXPECT_THROW(static_cast<void>(consumer.run(Json::array())), ValueError);
  auto empty = consumer.run({{"Records", Json::array()}});
  EXPECT_EQ(empty["processed"], 0);
  EXPECT_EQ(empty["batchItemFailures"], Json::array());
}

// Groups seen by process_batch, by user id; "fail" records reported, "explode" throws.
// The hooks a consumer did not override fail with a named error saying what to override
// (NotImplementedError, 500).
TEST(SqsSingleModeTest, TheDefaultHooksThrowNotImplementedError) {
  SQSConsumer consumer;
  try {
    consumer.process_record(Json::object());
    FAIL() << "no error";
  } catch (const NotImplementedError& error) {
    EXPECT_EQ(error.error_type(), "NotImplementedError");
    EXPECT_EQ(error.http_status(), 500);
    EXPECT_NE(std::string(error.what()).find("override it"), std::string::npos);
  }
  EXPECT_THROW(consumer.process_batch({}), NotImplementedError);
}

class BatchConsumer : public SQSConsumer {
 public:
  [[nodiscard]] ProcessingMode processing_mode() const override { return ProcessingMode::batch; }
  void process_batch(std::span<const Json> records) override {
    std::vector<std::string> ids;
    for (const auto& r : records) ids.push_back(r.at("messageId").get<std::string>());
    groups.push_back(ids);
    for (const auto& r : records) {
      auto content = extract_content_message(r);
      if (content.value("explode", false)) throw ValueError("group exploded");
      if (content.value("fail", false))
        add_message_failed(r.at("messageId").get<std::string>(), "no");
    }
  }
  std::vector<std::vector<std::string>> groups;
};

TEST(SqsBatchModeTest, GroupsByStateAndReportsAddedFailures) {
  // States are checked against MongoDB; without a state nothing is looked up, so the groups
  // here are "no session" and "a session without a state" - both the None group of the seed.
  BatchConsumer consumer;
  Json event = {
      {"Records", {record("a", "{}"), record("b", R"({"fail":true})"), record("c", "{}")}}};
  auto reply = consumer.run(event);
  ASSERT_EQ(consumer.groups.size(), 1U);
  EXPECT_EQ(consumer.groups[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(failures(reply), std::vector<std::string>{"b"});
  EXPECT_EQ(reply["results"][1]["error"], "no");
}

TEST(SqsBatchModeTest, AGroupThatThrowsFailsAllItsRecords) {
  BatchConsumer consumer;
  auto reply = consumer.run({{"Records", {record("a", "{}"), record("b", R"({"explode":true})")}}});
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reply["results"][0]["error"], "group exploded");
}

TEST(SqsBatchModeTest, FifoReportsEveryRecordAfterTheFirstFailure) {
  BatchConsumer consumer;
  std::string fifo = "arn:aws:sqs:us-east-2:123456789012:orders.fifo";
  auto reply = consumer.run({{"Records",
                              {record("a", "{}", Json::object(), fifo),
                               record("b", R"({"fail":true})", Json::object(), fifo),
                               record("c", "{}", Json::object(), fifo)}}});
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"b", "c"}));
}

// Bodies that mean to be JSON and cannot be read: a number out of range, nesting deeper than
// the limit, malformed text. Before, 1e400 in one record failed the whole batch (JSONError).
std::vector<std::string> poison_bodies() {
  return {R"({"amount": 1e400})", std::string(200, '[') + std::string(200, ']'), R"({"n": )"};
}

TEST(SqsContentTest, JsonThatCannotBeReadIsAnErrorNotRawData) {
  for (const auto& body : poison_bodies()) {
    EXPECT_THROW((void)SQSConsumer::extract_content_message(record("p", body)), ValueError)
        << body.substr(0, 30);
  }
  auto envelope = sns_envelope(Json(R"({"amount": 1e400})"));
  EXPECT_THROW((void)SQSConsumer::extract_content_message(record("p", envelope.dump())),
               ValueError);
}

TEST(SqsBatchModeTest, APoisonRecordFailsAloneAndNeverReachesTheBatch) {
  for (const auto& body : poison_bodies()) {
    BatchConsumer consumer;
    auto reply =
        consumer.run({{"Records", {record("a", "{}"), record("p", body), record("c", "{}")}}});
    EXPECT_EQ(failures(reply), std::vector<std::string>{"p"}) << body.substr(0, 30);
    ASSERT_EQ(consumer.groups.size(), 1U);
    EXPECT_EQ(consumer.groups[0], (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(reply["results"][1]["error"].get<std::string>().rfind("The record body is ", 0), 0u)
        << reply["results"][1];
  }
}

// The same through SNS (the default delivery): the notification's Message is what cannot be
// read; the record fails alone and the others of the batch are processed.
TEST(SqsBatchModeTest, APoisonSnsMessageFailsAloneToo) {
  BatchConsumer consumer;
  auto good = sns_envelope(Json{{"order", 1}}).dump();
  auto reply = consumer.run(
      {{"Records",
        {record("a", good), record("p", sns_envelope(Json(R"({"amount": 1e400})")).dump()),
         record("q", sns_envelope(Json(std::string(300, '['))).dump()), record("c", good)}}});
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"p", "q"}));
  ASSERT_EQ(consumer.groups.size(), 1U);
  EXPECT_EQ(consumer.groups[0], (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(reply["results"][1]["error"].get<std::string>().rfind("The SNS message is ", 0), 0u)
      << reply["results"][1];
}

TEST(SqsBatchModeTest, OnAFifoQueueThePoisonRecordHoldsBackTheRecordsAfterIt) {
  BatchConsumer consumer;
  std::string fifo = "arn:aws:sqs:us-east-2:123456789012:orders.fifo";
  auto reply = consumer.run({{"Records",
                              {record("a", "{}", Json::object(), fifo),
                               record("p", R"({"amount": 1e400})", Json::object(), fifo),
                               record("c", "{}", Json::object(), fifo)}}});
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"p", "c"}));
  ASSERT_EQ(consumer.groups.size(), 1U);
  EXPECT_EQ(consumer.groups[0], std::vector<std::string>{"a"});
  EXPECT_NE(reply["results"][2]["error"].get<std::string>().find("FIFO"), std::string::npos);
}

TEST(SqsSingleModeTest, APoisonRecordFailsAlone) {
  RecordingConsumer consumer;
  auto reply = consumer.run(
      {{"Records", {record("a", "{}"), record("p", R"({"amount": 1e400})"), record("c", "{}")}}});
  EXPECT_EQ(failures(reply), std::vector<std::string>{"p"});
  EXPECT_EQ(consumer.seen.size(), 2U);
}

TEST(SqsHandlerFailureTest, EveryRecordIsReportedFailed) {
  Json event = {{"Records", {record("a", "{}"), record("b", "{}")}}};
  auto reply = sqs_failure_reply(event, ConfigurationError("no MongoDB"));
  EXPECT_EQ(failures(reply), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reply["error"], "no MongoDB");
  EXPECT_EQ(reply["failed"], 2);
}

TEST(SqsQueueUrlTest, BuildsTheSeedsUrlAndNamesMissingVariables) {
  for (const char* name : {"AWS_REGION", "AWS_ACCOUNT_ID", "SERVICE_NAME", "QUEUE_NAME", "ENV"}) {
    ::unsetenv(name);
  }
  try {
    static_cast<void>(SQSConsumer::get_queue_url());
    FAIL() << "no error";
  } catch (const ConfigurationError& error) {
    EXPECT_NE(std::string(error.what()).find("AWS_ACCOUNT_ID"), std::string::npos);
  }
  ::setenv("AWS_REGION", "us-east-2", 1);
  ::setenv("AWS_ACCOUNT_ID", "123456789012", 1);
  ::setenv("SERVICE_NAME", "deliveries", 1);
  ::setenv("QUEUE_NAME", "Orders", 1);
  ::setenv("ENV", "prod", 1);
  EXPECT_EQ(SQSConsumer::get_queue_url(),
            "https://sqs.us-east-2.amazonaws.com/123456789012/deliveriesOrders-prod");
  for (const char* name : {"AWS_REGION", "AWS_ACCOUNT_ID", "SERVICE_NAME", "QUEUE_NAME", "ENV"}) {
    ::unsetenv(name);
  }
}

}  // namespace
}  // namespace aws_helper
