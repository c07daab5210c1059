// SNSPublisher without peers: the parameters a message becomes, and how batches are split and
// reported, against a local stand-in for SNS. (The integration test publishes to moto.)
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sns.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::map<std::string, std::string> as_map(const Params& params) {
  return {params.begin(), params.end()};
}

TEST(SnsMessageTest, ContentSubjectAndTypedAttributes) {
  Json message = {{"content", {{"id", object_id("65f1a2b3c4d5e6f7a8b9c0d1")}, {"title", "ñ"}}},
                  {"subject", "Indexed"},
                  {"attributes",
                   {{"event_type", "title_indexed"},
                    {"priority", 5},
                    {"urgent", true},
                    {"tags", {"a", "b"}},
                    {"blob", {{"DataType", "Binary"}, {"Value", base64_encode("\x01\x02")}}},
                    {"skipped", nullptr}}}};
  auto p = as_map(SNSPublisher::message_parameters(message, ""));
  EXPECT_EQ(p["Message"], R"({"id":"65f1a2b3c4d5e6f7a8b9c0d1","title":"ñ"})");
  EXPECT_EQ(p["Subject"], "Indexed");
  std::map<std::string, std::pair<std::string, std::string>> attributes;
  for (int n = 1; p.count("MessageAttributes.entry." + std::to_string(n) + ".Name") != 0U; ++n) {
    auto base = "MessageAttributes.entry." + std::to_string(n) + ".";
    auto value = p.count(base + "Value.StringValue") != 0U ? p[base + "Value.StringValue"]
                                                           : p[base + "Value.BinaryValue"];
    attributes[p[base + "Name"]] = {p[base + "Value.DataType"], value};
  }
  EXPECT_EQ(attributes["event_type"],
            (std::pair<std::string, std::string>{"String", "title_indexed"}));
  EXPECT_EQ(attributes["priority"], (std::pair<std::string, std::string>{"Number", "5"}));
  EXPECT_EQ(attributes["urgent"], (std::pair<std::string, std::string>{"String", "true"}));
  EXPECT_EQ(attributes["tags"],
            (std::pair<std::string, std::string>{"String.Array", R"(["a","b"])"}));
  EXPECT_EQ(attributes["blob"].first, "Binary");
  EXPECT_EQ(attributes.count("skipped"), 0U);
  EXPECT_EQ(attributes.count("session"), 0U);  // no current session
}

TEST(SnsMessageTest, TheSessionTravelsAsBase64WithoutTouchingTheCallersMessage) {
  SessionScope scope{Session{"ohio", Json{{"id", "u1"}, {"password", "x"}}}};
  const Json message = {{"content", {{"a", 1}}}, {"attributes", {{"kind", "k"}}}};
  const Json before = message;
  auto p = as_map(SNSPublisher::message_parameters(message, "Prefix."));
  EXPECT_EQ(message, before);
  std::string session_value;
  for (int n = 1; n <= 2; ++n) {
    auto base = "Prefix.MessageAttributes.entry." + std::to_string(n) + ".";
    if (p[base + "Name"] == "session") session_value = p[base + "Value.StringValue"];
  }
  ASSERT_FALSE(session_value.empty());
  EXPECT_EQ(Json::parse(base64_decode(session_value)),
            (Json{{"state", "ohio"}, {"user", {{"id", "u1"}}}}));
  // A session attribute the caller set is kept.
  auto own = as_map(SNSPublisher::message_parameters(
      {{"content", 1}, {"attributes", {{"session", "mine"}}}}, ""));
  EXPECT_EQ(own["MessageAttributes.entry.1.Value.StringValue"], "mine");
}

// The attributes of one message's parameters, by name: {data type, value}.
std::map<std::string, std::pair<std::string, std::string>> attributes_of(
    const Params& params, const std::string& prefix) {
  auto p = as_map(params);
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (int n = 1; p.count(prefix + "MessageAttributes.entry." + std::to_string(n) + ".Name") != 0U;
       ++n) {
    auto base = prefix + "MessageAttributes.entry." + std::to_string(n) + ".";
    out[p[base + "Name"]] = {p[base + "Value.DataType"], p[base + "Value.StringValue"]};
  }
  return out;
}

constexpr const char* kTrace =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
    "Sampled=1";

TEST(SnsMessageTest, TheCurrentTraceTravelsAsAnAttributeWhileThereIsRoom) {
  EXPECT_EQ(attributes_of(SNSPublisher::message_parameters({{"content", 1}}, ""), "").size(), 0U);
  trace::Scope trace_scope{kTrace};
  SessionScope session{Session{"ohio", std::nullopt}};
  auto attributes = attributes_of(
      SNSPublisher::message_parameters({{"content", 1}, {"attributes", {{"kind", "k"}}}}, "P."),
      "P.");
  EXPECT_EQ(attributes["X-Amzn-Trace-Id"], (std::pair<std::string, std::string>{"String", kTrace}));
  EXPECT_EQ(attributes.size(), 3U);  // kind, session, the trace
  // The caller's own is kept.
  attributes =
      attributes_of(SNSPublisher::message_parameters(
                        {{"content", 1}, {"attributes", {{"X-Amzn-Trace-Id", "mine"}}}}, ""),
                    "");
  EXPECT_EQ(attributes["X-Amzn-Trace-Id"].second, "mine");
  // Nine of the caller's and the session make ten: no room left, the caller's come first.
  Json nine = Json::object();
  for (int i = 0; i < 9; ++i) nine["a" + std::to_string(i)] = i;
  nine["skipped"] = nullptr;  // not sent, not counted
  attributes = attributes_of(
      SNSPublisher::message_parameters({{"content", 1}, {"attributes", nine}}, ""), "");
  EXPECT_EQ(attributes.size(), 10U);
  EXPECT_EQ(attributes.count("X-Amzn-Trace-Id"), 0U);
  EXPECT_EQ(attributes.count("session"), 1U);
  nine.erase("a8");
  attributes = attributes_of(
      SNSPublisher::message_parameters({{"content", 1}, {"attributes", nine}}, ""), "");
  EXPECT_EQ(attributes.size(), 10U);
  EXPECT_EQ(attributes.count("X-Amzn-Trace-Id"), 1U);
}

TEST(SnsMessageTest, FifoIdsAndRefusals) {
  auto p = as_map(SNSPublisher::message_parameters(
      {{"content", "x"}, {"message_group_id", "g1"}, {"message_deduplication_id", "d1"}}, ""));
  EXPECT_EQ(p["MessageGroupId"], "g1");
  EXPECT_EQ(p["MessageDeduplicationId"], "d1");
  EXPECT_EQ(p["Message"], "\"x\"");
  for (const Json& bad : {Json("text"), Json{{"content", nullptr}}, Json{{"content", ""}},
                          Json{{"content", Json::object()}}, Json{{"subject", "s"}},
                          Json{{"content", 1}, {"attributes", "x"}},
                          Json{{"content", 1}, {"attributes", {{"o", {{"k", 1}}}}}},
                          Json{{"content", std::string(300000, 'x')}}}) {
    EXPECT_THROW(static_cast<void>(SNSPublisher::message_parameters(bad, "")), ValueError)
        << bad.dump().substr(0, 80);
  }
}

TEST(SnsPublisherTest, AnEmptyTopicIsRefused) {
  EXPECT_THROW(SNSPublisher(""), ValueError);
}

// A stand-in for SNS's PublishBatch: records each call's entry count and fails entry Id 1 of
// the second call.
class FakeSns {
 public:
  FakeSns() {
    server_.set_keep_alive_max_count(1);
    server_.set_payload_max_length(std::size_t{4} * 1024 * 1024);
    // A content reader: httplib refuses url-encoded bodies over 8 KB in ordinary handlers.
    server_.Post("/", [this](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& read) {
      std::string body;
      read([&body](const char* data, std::size_t size) {
        body.append(data, size);
        return true;
      });
      auto params = parse_query_string(body);
      std::lock_guard lock(mutex_);
      std::string action = params.get("Action").value_or("");
      actions_.push_back(action);
      trace_headers_.push_back(req.get_header_value("X-Amzn-Trace-Id"));
      publish_params_.push_back(params);
      if (action == "Publish") {
        res.set_content(
            "<PublishResponse><PublishResult><MessageId>single-1</MessageId>"
            "</PublishResult></PublishResponse>",
            "text/xml");
        return;
      }
      int call = static_cast<int>(batch_sizes_.size()) + 1;
      int entries = 0;
      std::string ok;
      std::string failed;
      while (
          params.get("PublishBatchRequestEntries.member." + std::to_string(entries + 1) + ".Id")) {
        auto id =
            *params.get("PublishBatchRequestEntries.member." + std::to_string(entries + 1) + ".Id");
        if (call == 2 && id == "1") {
          failed +=
              "<member><Id>1</Id><Code>InvalidParameter</Code><Message>bad</Message>"
              "<SenderFault>true</SenderFault></member>";
        } else {
          ok += "<member><Id>" + id + "</Id><MessageId>m" + std::to_string(call) + "-" + id +
                "</MessageId></member>";
        }
        ++entries;
      }
      batch_sizes_.push_back(entries);
      res.set_content("<PublishBatchResponse><PublishBatchResult><Successful>" + ok +
                          "</Successful><Failed>" + failed +
                          "</Failed></PublishBatchResult></PublishBatchResponse>",
                      "text/xml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeSns() {
    server_.stop();
    thread_.join();
  }
  FakeSns(const FakeSns&) = delete;
  FakeSns& operator=(const FakeSns&) = delete;
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<int> batch_sizes() {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }
  std::vector<std::string> trace_headers() {
    std::lock_guard lock(mutex_);
    return trace_headers_;
  }
  std::vector<QueryParameters> calls() {
    std::lock_guard lock(mutex_);
    return publish_params_;
  }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::vector<std::string> actions_;
  std::vector<int> batch_sizes_;
  std::vector<std::string> trace_headers_;
  std::vector<QueryParameters> publish_params_;
  int port_ = 0;
  std::thread thread_;
};

class SnsBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("AWS_ENDPOINT_URL_SNS", sns_.url().c_str(), 1);
    ::setenv("AWS_ACCESS_KEY_ID", "AK", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
  }
  void TearDown() override { ::unsetenv("AWS_ENDPOINT_URL_SNS"); }
  FakeSns sns_;
};

TEST_F(SnsBatchTest, SplitsIntoChunksOfTenWithAResultPerMessage) {
  SNSPublisher topic("arn:aws:sns:us-east-2:123456789012:orders");
  std::vector<Json> messages;
  for (int i = 0; i < 25; ++i) messages.push_back({{"content", {{"n", i}}}});
  messages[4] = {{"subject", "no content"}};  // refused before sending
  auto result = topic.publish(messages);
  // The 24 valid messages go in calls of 10, 10 and 4.
  EXPECT_EQ(sns_.batch_sizes(), (std::vector<int>{10, 10, 4}));
  ASSERT_EQ(result.entries.size(), 25U);
  EXPECT_EQ(result.failed(), 2U);
  EXPECT_EQ(result.entries[4].error_code, "InvalidMessage");
  EXPECT_FALSE(result.entries[4].success);
  // Entry Id 1 of the second call is message 12 (message 4 was never sent).
  EXPECT_EQ(result.entries[12].error_code, "InvalidParameter");
  EXPECT_EQ(result.entries[12].error_message, "bad");
  EXPECT_EQ(result.entries[0].message_id, "m1-0");
  EXPECT_EQ(result.entries[5].message_id, "m1-4");
  EXPECT_EQ(result.entries[24].message_id, "m3-3");
  EXPECT_EQ(result.message_ids().size(), 23U);
}

TEST_F(SnsBatchTest, ChunksAlsoStayUnder256KiB) {
  SNSPublisher topic("arn:aws:sns:us-east-2:123456789012:orders");
  std::vector<Json> messages(3, Json{{"content", std::string(100000, 'x')}});
  auto result = topic.publish(messages);
  EXPECT_EQ(sns_.batch_sizes(), (std::vector<int>{2, 1}));
  EXPECT_EQ(result.entries[2].message_id, "m2-0");
}

TEST_F(SnsBatchTest, SinglePublishReturnsTheMessageId) {
  SNSPublisher topic("arn:aws:sns:us-east-2:123456789012:orders");
  EXPECT_EQ(topic.publish(Json{{"content", {{"n", 1}}}}).message_id, "single-1");
  EXPECT_TRUE(topic.publish(std::vector<Json>{}).entries.empty());
  EXPECT_TRUE(sns_.batch_sizes().empty());
}

TEST_F(SnsBatchTest, PublishCallsCarryTheTraceAsHeaderAndAttribute) {
  SNSPublisher topic("arn:aws:sns:us-east-2:123456789012:orders");
  static_cast<void>(topic.publish(Json{{"content", 1}}));
  {
    trace::Scope trace_scope{kTrace};
    static_cast<void>(topic.publish(Json{{"content", 2}}));
    static_cast<void>(topic.publish(std::vector<Json>{{{"content", 3}}, {{"content", 4}}}));
  }
  EXPECT_EQ(sns_.trace_headers(), (std::vector<std::string>{"", kTrace, kTrace}));
  auto calls = sns_.calls();
  ASSERT_EQ(calls.size(), 3U);
  EXPECT_FALSE(calls[0].contains("MessageAttributes.entry.1.Name"));
  EXPECT_EQ(calls[1].get("MessageAttributes.entry.1.Name"), "X-Amzn-Trace-Id");
  EXPECT_EQ(calls[1].get("MessageAttributes.entry.1.Value.StringValue"), kTrace);
  for (const char* entry : {"1", "2"}) {
    auto prefix = std::string("PublishBatchRequestEntries.member.") + entry + ".";
    EXPECT_EQ(calls[2].get(prefix + "MessageAttributes.entry.1.Name"), "X-Amzn-Trace-Id");
    EXPECT_EQ(calls[2].get(prefix + "MessageAttributes.entry.1.Value.StringValue"), kTrace);
  }
}

}  // namespace
}  // namespace aws_helper
