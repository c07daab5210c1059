// X-Ray trace headers as they arrive from outside: a client's X-Amzn-Trace-Id, an SQS record's
// AWSTraceHeader or message attribute, a task's _X_AMZN_TRACE_ID. Parsed, sanitised, installed
// with trace::Scope, and read from SQS records in each place a record can carry one.
//
// What must hold for any input: a header that passes comes back canonical (parsing its own
// output gives it again), bounded, and made of the characters the parser allows, so it can go
// into an HTTP header, an environment variable or a log line as is; one that does not pass
// changes no current trace.
#include <cstdint>
#include <string>
#include <string_view>

#include <aws_helper/json.hpp>
#include <aws_helper/trace.hpp>

#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

bool printable_field_text(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("-_.:|+/=;?").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void check_header(std::string_view text) {
  auto parsed = trace::parse(text);
  auto canonical = trace::sanitize(text);
  FUZZ_CHECK(parsed.has_value() == !canonical.empty());
  if (!parsed) {
    FUZZ_CHECK(trace::root(text).empty());
    trace::Scope scope{text};
    FUZZ_CHECK(trace::current().empty());
    return;
  }
  FUZZ_CHECK(canonical == parsed->to_string());
  FUZZ_CHECK(trace::sanitize(canonical) == canonical);
  FUZZ_CHECK(canonical.size() <= trace::kMaxHeaderBytes + 16);
  FUZZ_CHECK(printable_field_text(canonical));
  FUZZ_CHECK(parsed->root.size() == 35);
  FUZZ_CHECK(trace::root(text) == parsed->root);
  {
    trace::Scope scope{text};
    FUZZ_CHECK(trace::current() == canonical);
  }
  FUZZ_CHECK(trace::current().empty());
}

void check_record(const std::string& text) {
  Json records[] = {
      {{"attributes", {{"AWSTraceHeader", text}}}},
      {{"messageAttributes", {{"X-Amzn-Trace-Id", {{"stringValue", text}}}}}},
      {{"body", Json{{"Type", "Notification"},
                     {"MessageAttributes", {{"X-Amzn-Trace-Id", {{"Value", text}}}}}}
                    .dump()}},
      {{"body", text}},  // the input as a body of its own
  };
  for (const auto& record : records) {
    auto header = trace::from_sqs_record(record);
    FUZZ_CHECK(header.empty() || trace::sanitize(header) == header);
  }
  FUZZ_CHECK(trace::from_sqs_record(records[0]) == trace::sanitize(text));
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  auto text = fuzz::text_of(data, size);
  check_header(text);
  // Records carry text that is valid UTF-8 JSON; other bytes cannot reach one.
  Json probe;
  try {
    probe = Json(std::string(text));
    static_cast<void>(probe.dump());
  } catch (const Json::exception&) {
    return 0;
  }
  check_record(std::string(text));
  return 0;
}
