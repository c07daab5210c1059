// The trace header: parsing and its refusals (hostile input included), the current trace and its
// scope, the log's traceId and pool tasks following it, and where an SQS record carries one.
#include <chrono>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/pool.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

constexpr const char* kRoot = "1-5759e988-bd862e3fe1be46a994272793";
constexpr const char* kHeader =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
    "Sampled=1";
constexpr const char* kOther = "Root=1-67891233-abcdef012345678912345678;Sampled=0";

TEST(TraceHeaderTest, ReadsXRayHeadersAndGivesThemBackCanonical) {
  auto parsed = trace::parse(kHeader);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->root, kRoot);
  EXPECT_EQ(parsed->parent, "53995c3f42cd8ad8");
  EXPECT_EQ(parsed->sampled, "1");
  EXPECT_EQ(parsed->to_string(), kHeader);
  // Blanks around fields, empty fields and any order are accepted; the output is canonical.
  EXPECT_EQ(trace::sanitize(" Sampled=1 ; Parent = 53995c3f42cd8ad8;;Root=1-5759e988-"
                            "bd862e3fe1be46a994272793;"),
            kHeader);
  // ALB's Self and X-Ray's Lineage are kept, after the three known fields, in their order.
  EXPECT_EQ(trace::sanitize("Self=1-67891234-12456789abcdef012345678;Root=" + std::string(kRoot) +
                            ";Lineage=a87bd80c:1|68fd508a:5"),
            "Root=" + std::string(kRoot) +
                ";Self=1-67891234-12456789abcdef012345678;Lineage=a87bd80c:1|68fd508a:5");
  EXPECT_EQ(trace::sanitize("Root=" + std::string(kRoot)), "Root=" + std::string(kRoot));
  EXPECT_EQ(trace::sanitize("Root=" + std::string(kRoot) + ";Sampled=?"),
            "Root=" + std::string(kRoot) + ";Sampled=?");
  EXPECT_EQ(trace::root(kHeader), kRoot);
}

TEST(TraceHeaderTest, RefusesAnythingThatIsNotAValidHeader) {
  const std::string root = "Root=" + std::string(kRoot);
  std::vector<std::string> hostile = {
      "",
      "   ",
      "garbage",
      "Parent=53995c3f42cd8ad8;Sampled=1",  // no Root
      "Root=1-abc;Parent=def",              // not X-Ray's shape
      "Root=2-5759e988-bd862e3fe1be46a994272793",
      "Root=1-5759e988-bd862e3fe1be46a99427279",    // 23 digits
      "Root=1-5759e988-bd862e3fe1be46a9942727931",  // 25 digits
      "Root=1-5759e98g-bd862e3fe1be46a994272793",   // not hex
      root + ";Root=" + std::string(kRoot),         // repeated
      root + ";Parent=53995c3f42cd8ad8;Parent=53995c3f42cd8ad8",
      root + ";Lineage=a:1;Lineage=b:2",
      root + ";Parent=53995c3f42cd8ad",  // 15 digits
      root + ";Parent=53995c3f42cd8adz",
      root + ";Sampled=2",
      root + ";Sampled=",
      root + ";Lineage",
      root + ";=x",
      root + ";Key=a=b",
      root + ";Key=a b",
      root + "\r\nX-Evil: 1",
      root + ";Key=x\nInjected: 1",
      root + std::string("\0", 1),
      root + ";Key=\"quoted\"",
      root + ";Key=<script>",
      root + ";Ke y=1",
      "Root=" + std::string(kRoot) + "\x01",
      root + ";Lineage=" + std::string(trace::kMaxHeaderBytes, 'a'),  // over the limit
  };
  std::string many_fields = root;
  for (int i = 0; i < 16; ++i) many_fields += ";K" + std::to_string(i) + "=v";
  hostile.push_back(many_fields);
  for (const auto& header : hostile) {
    EXPECT_FALSE(trace::parse(header)) << header.substr(0, 80);
    EXPECT_EQ(trace::sanitize(header), "");
    EXPECT_EQ(trace::root(header), "");
  }
  // Just under the limits is still a header.
  std::string fifteen = root;
  for (int i = 0; i < 15; ++i) fifteen += ";K" + std::to_string(i) + "=v";
  EXPECT_TRUE(trace::parse(fifteen));
  std::string longest = root + ";Lineage=";
  longest += std::string(trace::kMaxHeaderBytes - longest.size(), 'a');
  EXPECT_TRUE(trace::parse(longest));
}

TEST(TraceHeaderTest, NewRootsAreValidDistinctAndStartNow) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto header = trace::new_root();
    auto parsed = trace::parse(header);
    ASSERT_TRUE(parsed) << header;
    EXPECT_EQ(header, "Root=" + parsed->root);
    seen.insert(header);
  }
  EXPECT_EQ(seen.size(), 100U);
  auto seconds = std::stoll(trace::root(trace::new_root()).substr(2, 8), nullptr, 16);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_LE(std::abs(now - seconds), 5);
}

// Captures the log lines written while it lives.
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
  std::vector<Json> lines;
};

TEST(TraceScopeTest, InstallsTheHeaderForLogLinesAndPutsThePreviousOneBack) {
  LogCapture capture;
  const Logger logger{"test"};
  EXPECT_EQ(trace::current(), "");
  {
    trace::Scope outer{" Sampled=1;Root=" + std::string(kRoot) + ";Parent=53995c3f42cd8ad8"};
    EXPECT_EQ(trace::current(), kHeader);
    logger.info("outer");
    {
      trace::Scope inner{kOther};
      EXPECT_EQ(trace::current(), kOther);
      logger.info("inner");
      {
        // Not a header: nothing changes, and nothing of it reaches a line.
        trace::Scope bad{"Root=1-abc\r\nX-Evil: 1"};
        EXPECT_EQ(trace::current(), kOther);
        logger.info("bad");
      }
    }
    EXPECT_EQ(trace::current(), kHeader);
  }
  EXPECT_EQ(trace::current(), "");
  logger.info("after");
  ASSERT_EQ(capture.lines.size(), 4U);
  EXPECT_EQ(capture.lines[0]["traceId"], kHeader);
  EXPECT_EQ(capture.lines[1]["traceId"], kOther);
  EXPECT_EQ(capture.lines[2]["traceId"], kOther);
  EXPECT_FALSE(capture.lines[3].contains("traceId"));
}

TEST(TraceScopeTest, TheRuntimesHeaderIsCurrentOnlyWhenValid) {
  log::set_request_context("req-1", kHeader);
  EXPECT_EQ(trace::current(), kHeader);
  log::set_request_context("req-1", "Root=1-abc;Parent=def\nX: 1");
  EXPECT_EQ(trace::current(), "");  // never sent on
  log::clear_request_context();
}

TEST(TraceScopeTest, PoolTasksRunUnderTheCallersTrace) {
  trace::Scope scope{kHeader};
  std::vector<std::function<std::string()>> tasks(
      16, [] { return trace::current() + "|" + detail::request_tags().trace_id; });
  for (const auto& seen : gather(std::move(tasks))) {
    EXPECT_EQ(seen, std::string(kHeader) + "|" + kHeader);
  }
  // Another trace later: the pool threads do not keep the first one.
  trace::Scope other{kOther};
  std::vector<std::function<std::string()>> again(8, [] { return trace::current(); });
  for (const auto& seen : gather(std::move(again))) EXPECT_EQ(seen, kOther);
}

Json envelope_with(const std::string& header) {
  return {{"Type", "Notification"},
          {"Message", "{}"},
          {"MessageAttributes",
           {{"session", {{"Type", "String"}, {"Value", base64_encode("{}")}}},
            {"X-Amzn-Trace-Id", {{"Type", "String"}, {"Value", header}}}}}};
}

TEST(TraceSqsRecordTest, TheSystemAttributeFirstThenTheEnvelopeThenTheRecordsAttributes) {
  Json record = {
      {"messageId", "m1"},
      {"body", envelope_with(kOther).dump()},
      {"attributes", {{"AWSTraceHeader", kHeader}}},
      {"messageAttributes",
       {{"X-Amzn-Trace-Id",
         {{"stringValue", "Root=1-11111111-222222222222222222222222"}, {"dataType", "String"}}}}}};
  EXPECT_EQ(trace::from_sqs_record(record), kHeader);
  // A source that is not valid is passed over.
  record["attributes"]["AWSTraceHeader"] = "Root=1-bad\r\n";
  EXPECT_EQ(trace::from_sqs_record(record), kOther);
  record["attributes"].erase("AWSTraceHeader");
  EXPECT_EQ(trace::from_sqs_record(record), kOther);
  record["body"] = envelope_with("garbage").dump();
  EXPECT_EQ(trace::from_sqs_record(record), "Root=1-11111111-222222222222222222222222");
  record["body"] = R"({"plain": "message"})";
  EXPECT_EQ(trace::from_sqs_record(record), "Root=1-11111111-222222222222222222222222");
  record.erase("messageAttributes");
  EXPECT_EQ(trace::from_sqs_record(record), "");
}

TEST(TraceSqsRecordTest, OddRecordsCarryNoTraceAndNeverThrow) {
  std::string deep(5000, '[');
  for (
      const Json& record :
      {Json(nullptr), Json("text"), Json::array(), Json::object(),
       Json{{"attributes", "x"}, {"messageAttributes", 1}},
       Json{{"attributes", {{"AWSTraceHeader", 42}}}},
       Json{{"body", "{\"X-Amzn-Trace-Id\": " + deep}},
       Json{{"body", "{ not json X-Amzn-Trace-Id"}},
       Json{
           {"body",
            R"({"MessageAttributes": {"X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793"}})"}},
       Json{{"body", R"({"MessageAttributes": [1, "X-Amzn-Trace-Id"]})"}},
       Json{{"messageAttributes", {{"X-Amzn-Trace-Id", {{"stringValue", 7}}}}}}}) {
    EXPECT_EQ(trace::from_sqs_record(record), "") << record.dump().substr(0, 80);
  }
}

}  // namespace
}  // namespace aws_helper
