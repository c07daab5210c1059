// Trace propagation: the X-Ray trace header of the work this thread runs, carried to every
// service it calls, so one request can be followed across API -> SNS -> SQS -> task in the logs.
//
// The header is X-Ray's, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;
// Sampled=1". What runs on a thread has at most one: the invocation's (Lambda's
// Lambda-Runtime-Trace-Id, or the X-Amzn-Trace-Id of a request to `bootstrap serve`), the
// record's while an SQS record runs, the task's (_X_AMZN_TRACE_ID) in a Fargate task. It is the
// `traceId` of every log line, and work handed to the pool carries it.
//
// The framework sends it on: as the X-Amzn-Trace-Id header of every AWS API call (AwsClient)
// and of ApiClient requests, as the `X-Amzn-Trace-Id` message attribute of SNS messages, as the
// AWSTraceHeader system attribute of SQS messages (SQSSender), and as _X_AMZN_TRACE_ID in the
// environment of Fargate tasks (FargateExecutor). docs/tracing.md has the whole picture.
//
// A header comes from outside (a client, a message), so it is checked before it is used: at
// most kMaxHeaderBytes, a Root of X-Ray's shape, fields of letters, digits and `-_.:|+/`. One
// that does not pass is ignored as a whole — never installed, sent on or quoted in a log line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/json.hpp>

namespace aws_helper::trace {

// The HTTP header (AWS API calls, the Lambda Invoke API, API Gateway, ALB, ApiClient).
inline constexpr std::string_view kHttpHeader = "X-Amzn-Trace-Id";
// The environment variable the X-Ray SDKs read (Lambda sets it; Fargate tasks get it from us).
inline constexpr std::string_view kEnvironmentVariable = "_X_AMZN_TRACE_ID";
// The SQS message system attribute (what SQS, SNS active tracing and the SDKs use).
inline constexpr std::string_view kSqsSystemAttribute = "AWSTraceHeader";
// The message attribute SNS messages carry it in, so it crosses SNS -> SQS whether or not the
// topic has active tracing (the name OpenTelemetry's X-Ray propagator uses for messages).
inline constexpr std::string_view kMessageAttribute = "X-Amzn-Trace-Id";
// The longest header accepted (X-Ray's own are about 100 bytes; Lineage adds some).
inline constexpr std::size_t kMaxHeaderBytes = 512;

// A parsed header. to_string() gives it back as Root, Parent, Sampled, then the other fields
// (Lineage, ALB's Self, ...) in their order.
struct TraceHeader {
  std::string root;     // "1-5759e988-bd862e3fe1be46a994272793"
  std::string parent;   // 16 hex digits, or empty
  std::string sampled;  // "0", "1", "?" or empty
  std::vector<std::pair<std::string, std::string>> other;

  [[nodiscard]] std::string to_string() const;
};

// The header when it is valid (see above; blanks around fields and empty fields are allowed,
// a repeated key is not), else nullopt.
[[nodiscard]] std::optional<TraceHeader> parse(std::string_view header);

// The header in canonical form when it is valid, else "".
[[nodiscard]] std::string sanitize(std::string_view header);

// The Root of a valid header ("1-5759e988-bd862e3fe1be46a994272793"), else "".
[[nodiscard]] std::string root(std::string_view header);

// A header for a new trace, "Root=1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>", as API
// Gateway starts one for a request that came without.
[[nodiscard]] std::string new_root();

// The trace header of what runs on this thread (canonical), or "" when there is none.
[[nodiscard]] std::string current();

// Installs a header as the current trace (and the log lines' traceId) for the lifetime of the
// scope, and puts back the previous one afterwards. A header that is empty or not valid
// changes nothing: the work goes on under the trace that was current.
class Scope {
 public:
  explicit Scope(std::string_view header);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  std::string previous_;
};

// The trace an SQS event record carries, canonical, or "": its AWSTraceHeader attribute (set
// by SQS from the sender's, and by SNS active tracing), else the X-Amzn-Trace-Id attribute in
// the SNS envelope of its body, else its own X-Amzn-Trace-Id message attribute (raw delivery).
// A source whose value is not valid is passed over. Never throws for any record.
[[nodiscard]] std::string from_sqs_record(const Json& record);

}  // namespace aws_helper::trace
