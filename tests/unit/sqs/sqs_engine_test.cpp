// The SQS engine and traces: each record runs under the trace it carries (single mode), a batch
// group under its first record's, the invocation's trace around and after them, and the lines
// that report a record's failure under the record's trace.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <aws_helper/log.hpp>
#include <aws_helper/sqs.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

constexpr const char* kInvocation = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
constexpr const char* kFirst = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8";
constexpr const char* kSecond = "Root=1-67891234-111111111111111111111111";

Json traced_record(const std::string& id, const std::string& header, const std::string& body) {
  Json record = {{"messageId", id},
                 {"body", body},
                 {"eventSource", "aws:sqs"},
                 {"eventSourceARN", "arn:aws:sqs:us-east-2:123456789012:orders"},
                 {"attributes", Json::object()}};
  if (!header.empty()) record["attributes"]["AWSTraceHeader"] = header;
  return record;
}

class LogCapture {
 public:
  LogCapture() {
    log::set_sink(
        [](std::string_view line, void* user) {
          static_cast<LogCapture*>(user)->lines.push_back(Json::parse(line));
        },
        this);
  }
  ~LogCapture() { log::set_sink(nullptr, nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The lines whose message contains `text`.
  [[nodiscard]] std::vector<Json> with(const std::string& text) const {
    std::vector<Json> out;
    for (const auto& line : lines) {
      if (line.value("message", "").find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }
  std::vector<Json> lines;
};

class TraceSeeingConsumer : public SQSConsumer {
 public:
  void process_record(const Json& record) override {
    seen.push_back(trace::current());
    logger().info("processing {}", record.at("messageId").get<std::string>());
    if (extract_content_message(record).value("fail", false)) throw ValueError("asked to fail");
  }
  std::vector<std::string> seen;
};

TEST(SqsEngineTraceTest, EachRecordRunsUnderItsOwnTraceAndTheInvocationsComesBack) {
  LogCapture capture;
  trace::Scope invocation{kInvocation};
  TraceSeeingConsumer consumer;
  Json event = {{"Records",
                 {traced_record("a", kFirst, "{}"), traced_record("b", "", "{}"),
                  traced_record("c", kSecond, R"({"fail": true})"),
                  traced_record("d", "Root=1-not-valid\r\nX: 1", "{}")}}};
  auto reply = consumer.run(event, "TraceSeeingConsumer");
  EXPECT_EQ(reply["failed"], 1);
  // A record without a (valid) trace runs under the invocation's.
  EXPECT_EQ(consumer.seen, (std::vector<std::string>{kFirst, kInvocation, kSecond, kInvocation}));
  EXPECT_EQ(trace::current(), kInvocation);
  ASSERT_EQ(capture.with("processing a").size(), 1U);
  EXPECT_EQ(capture.with("processing a")[0]["traceId"], kFirst);
  EXPECT_EQ(capture.with("processing c")[0]["traceId"], kSecond);
  // The line reporting c's failure is under c's trace too.
  auto failed = capture.with("Error processing message c");
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0]["traceId"], kSecond);
  for (const auto& line : capture.lines) {
    EXPECT_EQ(line.dump().find("not-valid"), std::string::npos) << line.dump();
  }
}

TEST(SqsEngineTraceTest, TheTraceOfAnSnsEnvelopeIsFollowed) {
  TraceSeeingConsumer consumer;
  Json envelope = {
      {"Type", "Notification"},
      {"Message", "{}"},
      {"MessageAttributes", {{"X-Amzn-Trace-Id", {{"Type", "String"}, {"Value", kFirst}}}}}};
  static_cast<void>(consumer.run({{"Records", {traced_record("a", "", envelope.dump())}}}));
  EXPECT_EQ(consumer.seen, std::vector<std::string>{kFirst});
  EXPECT_EQ(trace::current(), "");
}

class TraceSeeingBatchConsumer : public SQSConsumer {
 public:
  [[nodiscard]] ProcessingMode processing_mode() const override { return ProcessingMode::batch; }
  void process_batch(std::span<const Json> records) override {
    seen.push_back(trace::current());
    if (records.size() == 1) throw ValueError("a group of one fails");
  }
  std::vector<std::string> seen;
};

TEST(SqsEngineTraceTest, ABatchGroupRunsUnderItsFirstTraceAndLogsTheOthers) {
  LogCapture capture;
  trace::Scope invocation{kInvocation};
  TraceSeeingBatchConsumer consumer;
  Json event = {{"Records",
                 {traced_record("a", "", "{}"), traced_record("b", kFirst, "{}"),
                  traced_record("c", kSecond, "{}"), traced_record("d", kFirst, "{}")}}};
  static_cast<void>(consumer.run(event, "TraceSeeingBatchConsumer"));
  EXPECT_EQ(consumer.seen, std::vector<std::string>{kFirst});
  EXPECT_EQ(trace::current(), kInvocation);
  auto others = capture.with("runs in a batch under another trace");
  ASSERT_EQ(others.size(), 1U);
  EXPECT_EQ(others[0]["messageId"], "c");
  EXPECT_EQ(others[0]["recordTraceId"], kSecond);
  EXPECT_EQ(others[0]["traceId"], kFirst);

  // A group whose records carry none runs under the invocation's trace, failure line included.
  TraceSeeingBatchConsumer alone;
  static_cast<void>(alone.run({{"Records", {traced_record("x", "", "{}")}}}));
  EXPECT_EQ(alone.seen, std::vector<std::string>{kInvocation});
  auto failed = capture.with("Error processing a batch of 1");
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0]["traceId"], kInvocation);
}

}  // namespace
}  // namespace aws_helper
