// SQSSender without peers: the request a message becomes (body, typed attributes, the session,
// the trace as AWSTraceHeader), and how batches are split and reported, against a local
// stand-in for SQS's JSON protocol. (The integration test sends to moto.)
#include <cstdlib>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sqs_sender.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

constexpr const char* kHeader =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
    "Sampled=1";

TEST(SqsSenderMessageTest, BodyAndTypedAttributes) {
  auto request = SQSSender::message_request(
      {{"content", {{"id", object_id("65f1a2b3c4d5e6f7a8b9c0d1")}}},
       {"delay_seconds", 5},
       {"attributes",
        {{"kind", "created"},
         {"priority", 5},
         {"urgent", false},
         {"blob", {{"DataType", "Binary"}, {"Value", base64_encode("\x01")}}},
         {"skipped", nullptr}}}});
  EXPECT_EQ(request["MessageBody"], R"({"id":"65f1a2b3c4d5e6f7a8b9c0d1"})");
  EXPECT_EQ(request["DelaySeconds"], 5);
  EXPECT_EQ(request["MessageAttributes"],
            Json::parse(R"({"kind": {"DataType": "String", "StringValue": "created"},
                            "priority": {"DataType": "Number", "StringValue": "5"},
                            "urgent": {"DataType": "String", "StringValue": "false"},
                            "blob": {"DataType": "Binary", "BinaryValue": "AQ=="}})"));
  EXPECT_FALSE(request.contains("MessageSystemAttributes"));  // no current trace
  auto fifo = SQSSender::message_request(
      {{"content", "x"}, {"message_group_id", "g"}, {"message_deduplication_id", "d"}});
  EXPECT_EQ(
      fifo,
      (Json{{"MessageBody", "\"x\""}, {"MessageGroupId", "g"}, {"MessageDeduplicationId", "d"}}));
}

TEST(SqsSenderMessageTest, TheSessionIsAnAttributeAndTheTraceASystemAttribute) {
  SessionScope session{Session{"ohio", Json{{"id", "u1"}, {"password", "x"}}}};
  trace::Scope trace_scope{kHeader};
  auto request = SQSSender::message_request({{"content", {{"a", 1}}}});
  const auto& attribute = request["MessageAttributes"]["session"];
  EXPECT_EQ(attribute["DataType"], "String");
  EXPECT_EQ(Json::parse(base64_decode(attribute["StringValue"].get<std::string>())),
            (Json{{"state", "ohio"}, {"user", {{"id", "u1"}}}}));
  EXPECT_EQ(request["MessageSystemAttributes"],
            (Json{{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", kHeader}}}}));
  EXPECT_EQ(request["MessageAttributes"].size(), 1U);  // the trace is not one of the 10
  // A session attribute the caller set is kept.
  auto own = SQSSender::message_request({{"content", 1}, {"attributes", {{"session", "mine"}}}});
  EXPECT_EQ(own["MessageAttributes"]["session"]["StringValue"], "mine");
}

TEST(SqsSenderMessageTest, Refusals) {
  Json ten = Json::object();
  for (int i = 0; i < 10; ++i) ten["a" + std::to_string(i)] = i;
  EXPECT_NO_THROW(
      static_cast<void>(SQSSender::message_request({{"content", 1}, {"attributes", ten}})));
  SessionScope session{Session{"ohio", std::nullopt}};
  for (const Json& bad :
       {Json("text"), Json{{"content", nullptr}}, Json{{"content", ""}},
        Json{{"content", Json::array()}}, Json{{"attributes", {{"a", 1}}}},
        Json{{"content", 1}, {"attributes", "x"}},
        Json{{"content", 1}, {"attributes", {{"tags", {"a", "b"}}}}},
        Json{{"content", 1}, {"attributes", {{"o", {{"k", 1}}}}}},
        Json{{"content", 1}, {"attributes", ten}},  // 11 with the session
        Json{{"content", 1}, {"delay_seconds", 901}}, Json{{"content", 1}, {"delay_seconds", "5"}},
        Json{{"content", 1}, {"message_group_id", 3}}}) {
    EXPECT_THROW(static_cast<void>(SQSSender::message_request(bad)), ValueError)
        << bad.dump().substr(0, 80);
  }
  // The region comes from the queue's URL; AWS_REGION only for a URL that names none.
  ::unsetenv("AWS_REGION");
  ::unsetenv("AWS_DEFAULT_REGION");
  EXPECT_THROW(SQSSender(""), ValueError);
  EXPECT_NO_THROW(SQSSender("https://sqs.eu-west-1.amazonaws.com/123456789012/q"));
  EXPECT_NO_THROW(SQSSender("https://eu-west-1.queue.amazonaws.com/123456789012/q"));
  EXPECT_THROW(SQSSender("http://127.0.0.1:1/123456789012/q"), ConfigurationError);
}

// A stand-in for SQS's JSON protocol: records every call; SendMessageBatch fails entry "1" of
// its second call, and the third call as a whole.
class FakeSqs {
 public:
  FakeSqs() {
    server_.set_keep_alive_max_count(1);
    server_.set_payload_max_length(std::size_t{4} * 1024 * 1024);
    server_.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      auto body = Json::parse(req.body);
      auto target = req.get_header_value("X-Amz-Target");
      calls_.push_back({target, req.get_header_value("X-Amzn-Trace-Id"),
                        req.get_header_value("Content-Type"), body});
      if (target == "AmazonSQS.SendMessage") {
        res.set_content(R"({"MessageId": "m-1", "MD5OfMessageBody": "x"})",
                        "application/x-amz-json-1.0");
        return;
      }
      if (++batches_ == 3) {
        res.status = 400;
        res.set_content(R"({"__type": "com.amazonaws.sqs#BatchRequestTooLong", "message": "no"})",
                        "application/x-amz-json-1.0");
        return;
      }
      Json ok = Json::array();
      Json failed = Json::array();
      for (const auto& entry : body["Entries"]) {
        if (batches_ == 2 && entry["Id"] == "1") {
          failed.push_back({{"Id", "1"},
                            {"Code", "InvalidParameterValue"},
                            {"Message", "bad"},
                            {"SenderFault", true}});
        } else {
          ok.push_back({{"Id", entry["Id"]},
                        {"MessageId", "id-" + entry["MessageBody"].get<std::string>()}});
        }
      }
      res.set_content(dump_json({{"Successful", ok}, {"Failed", failed}}),
                      "application/x-amz-json-1.0");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeSqs() {
    server_.stop();
    thread_.join();
  }
  FakeSqs(const FakeSqs&) = delete;
  FakeSqs& operator=(const FakeSqs&) = delete;

  struct Call {
    std::string target;
    std::string trace_header;
    std::string content_type;
    Json body;
  };
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int batches_ = 0;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

class SqsSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("AWS_ACCESS_KEY_ID", "AK", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
    ::setenv("AWS_REGION", "us-east-2", 1);
    ::setenv("AWS_MAX_ATTEMPTS", "1", 1);
    ::setenv("AWS_ENDPOINT_URL_SQS", sqs.url().c_str(), 1);
  }
  void TearDown() override {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
                             "AWS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL_SQS"}) {
      ::unsetenv(name);
    }
  }
  FakeSqs sqs;
};

TEST_F(SqsSenderTest, SendsOneMessageWithTheTraceAsHeaderAndSystemAttribute) {
  trace::Scope trace_scope{kHeader};
  SQSSender sender("https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
  auto result = sender.send_message({{"content", {{"n", 1}}}});
  EXPECT_EQ(result.message_id, "m-1");
  EXPECT_FALSE(result.sequence_number);
  auto calls = sqs.calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "AmazonSQS.SendMessage");
  EXPECT_EQ(calls[0].content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(calls[0].trace_header, kHeader);
  EXPECT_EQ(calls[0].body["QueueUrl"], "https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
  EXPECT_EQ(calls[0].body["MessageBody"], R"({"n":1})");
  EXPECT_EQ(calls[0].body["MessageSystemAttributes"]["AWSTraceHeader"]["StringValue"], kHeader);
}

TEST_F(SqsSenderTest, BatchesOfTenWithAResultPerMessage) {
  SQSSender sender(sqs.url() + "/123456789012/orders");
  std::vector<Json> messages;
  messages.reserve(25);
  for (int i = 0; i < 25; ++i) messages.push_back({{"content", "m" + std::to_string(i)}});
  messages[3] = Json{{"content", nullptr}};  // refused before sending
  auto result = sender.send_message_batch(messages);
  ASSERT_EQ(result.entries.size(), 25U);
  auto calls = sqs.calls();
  ASSERT_EQ(calls.size(), 3U);
  EXPECT_EQ(calls[0].target, "AmazonSQS.SendMessageBatch");
  EXPECT_EQ(calls[0].trace_header, "");  // no current trace, no header
  EXPECT_EQ(calls[0].body["Entries"].size(), 10U);
  EXPECT_EQ(calls[1].body["Entries"].size(), 10U);
  EXPECT_EQ(calls[2].body["Entries"].size(), 4U);
  EXPECT_EQ(calls[0].body["Entries"][3]["MessageBody"], "\"m4\"");
  EXPECT_EQ(result.entries[0].message_id, "id-\"m0\"");
  EXPECT_EQ(result.entries[3].error_code, "InvalidMessage");
  // Entry Id 1 of the second call is message 12; the third call failed whole.
  EXPECT_EQ(result.entries[12].error_code, "InvalidParameterValue");
  EXPECT_TRUE(result.entries[11].success);
  EXPECT_EQ(result.entries[21].error_code, "BatchRequestTooLong");
  EXPECT_EQ(result.failed(), 1U + 1U + 4U);
  EXPECT_EQ(result.message_ids().size(), 19U);
  EXPECT_TRUE(sender.send_message_batch({}).entries.empty());
  EXPECT_EQ(sqs.calls().size(), 3U);
}

TEST_F(SqsSenderTest, BatchesAlsoStayUnder256KiB) {
  SQSSender sender(sqs.url() + "/123456789012/orders");
  std::vector<Json> messages(3, Json{{"content", std::string(100000, 'x')}});
  messages.push_back({{"content", std::string(300000, 'y')}});  // alone, and SQS decides
  auto result = sender.send_message_batch(messages);
  auto calls = sqs.calls();
  ASSERT_EQ(calls.size(), 3U);
  EXPECT_EQ(calls[0].body["Entries"].size(), 2U);
  EXPECT_EQ(calls[1].body["Entries"].size(), 1U);
  EXPECT_EQ(calls[2].body["Entries"].size(), 1U);
  EXPECT_TRUE(result.entries[2].success);
}

}  // namespace
}  // namespace aws_helper
