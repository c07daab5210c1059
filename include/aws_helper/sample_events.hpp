// Ready-to-invoke events, in the shapes AWS sends them (`bootstrap events <kind>`, as
// `sam local generate-event`): feed them to `bootstrap invoke`, the emulator, or a handler's
// test (aws_helper/testing.hpp).
//
//   rest | http | function-url | alb   an HTTP request as API Gateway REST (v1), HTTP API (v2),
//                                      a Lambda Function URL or an ALB target group delivers it
//   sqs                                SQS records (N, FIFO, a session; raw or via SNS)
//   sns                                an SNS notification
//   lambda                             the framework's envelope: {"data", "session"}
//   schedule                           an EventBridge scheduled event
//
// See docs/events.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/json.hpp>

namespace aws_helper::sample_events {

enum class HttpFormat { rest_v1, http_v2, function_url, alb };

struct HttpInput {
  std::string method = "GET";
  std::string path = "/";                                      // as sent: percent-encoded
  std::string query{};                                         // raw, without '?': "a=1&b=2"
  std::vector<std::pair<std::string, std::string>> headers{};  // in order; a name may repeat
  std::string body{};                                          // the bytes; base64 when not text
  std::string source_ip = "127.0.0.1";
  std::string request_id{};  // default: a fresh one
  std::string domain{};      // default: the format's usual host
  std::string stage{};       // REST v1: default "local"
};

// The event. Headers keep their case in REST v1 (and its multiValue maps) and are lower case
// in v2, Function URL and ALB events; v2 joins a repeated header with ',' and moves Cookie to
// `cookies`. A body that is not textual (by Content-Type) or not valid UTF-8 is base64-encoded.
[[nodiscard]] Json http_event(HttpFormat format, const HttpInput& input);

// "rest", "http", "function-url", "alb"; nullopt for any other name.
[[nodiscard]] std::optional<HttpFormat> http_format(std::string_view name);

// What a record or message carries for the framework: the session (base64 JSON in the
// `session` attribute, as SNSPublisher and LambdaInvoker write it) when state or user is set.
struct SessionInput {
  std::optional<std::string> state = std::nullopt;
  std::optional<Json> user = std::nullopt;
  [[nodiscard]] bool empty() const noexcept { return !state && !user; }
};

struct SqsInput {
  std::vector<std::string> bodies{};  // one record each; empty: `count` records of a sample body
  int count = 1;
  std::string queue = "my-queue";  // ".fifo" is added for FIFO queues
  bool fifo = false;
  std::string group_id = "group-1";  // FIFO: MessageGroupId
  bool via_sns = false;              // the body is SNS's envelope (raw message delivery off)
  std::string topic = "my-topic";
  SessionInput session{};
};

[[nodiscard]] Json sqs_event(const SqsInput& input);

struct SnsInput {
  std::string message = R"({"hello":"world"})";
  std::string topic = "my-topic";
  std::string subject{};
  SessionInput session{};
};

[[nodiscard]] Json sns_event(const SnsInput& input);

// {"data": data, "session": {...}} (no session key when the session is empty).
[[nodiscard]] Json lambda_event(const Json& data, const SessionInput& session = {});

// EventBridge's "Scheduled Event" for `rule`.
[[nodiscard]] Json schedule_event(std::string_view rule = "every-5-minutes");

}  // namespace aws_helper::sample_events
