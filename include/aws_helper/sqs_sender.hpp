// Sending messages straight to an SQS queue, with the session and the trace carried the way
// SQSConsumer reads them back.
//
//   aws_helper::SQSSender orders(aws_helper::get_env_or("ORDERS_QUEUE_URL", ""));
//   orders.send_message({{"content", {{"order_id", id}}}, {"attributes", {{"kind", "created"}}}});
//   auto result = orders.send_message_batch(messages);   // SendMessageBatch calls of 10
//
// A message is SNSPublisher's shape: {"content": <any JSON but null/empty>, "attributes":
// {...}}, plus "delay_seconds" (0-900) and, for FIFO queues, "message_group_id" and
// "message_deduplication_id". The content is the body, as JSON with the MongoDB conversion.
// Attribute values keep their types: a string is `String`, a number `Number`, a boolean the
// `String` "true"/"false", {"DataType": ..., "Value": ...} is passed as given (Binary values in
// Base64); SQS has no array type, so arrays are refused. null is left out.
//
// The current session, when there is one, travels as the message attribute `session` (Base64
// of the session JSON, as SNSPublisher sends it; one the message has is kept). SQS takes at most
// 10 message attributes, the session counted: a message with more is refused before sending.
// The current trace (trace.hpp) travels as the AWSTraceHeader message system attribute, which
// SQS keeps apart from the 10 and hands to Lambda as the record's attributes.AWSTraceHeader.
//
// The queue's region is the one in its URL (https://sqs.<region>.amazonaws.com/...), else
// AWS_REGION; the endpoint AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL, else the regional one.
// The calls use SQS's JSON protocol.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <aws_helper/aws.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

struct SendMessageResult {
  std::string message_id;
  std::optional<std::string> sequence_number;  // FIFO queues
};

// One message of a batch send.
struct SendEntryResult {
  std::size_t index = 0;  // position in the list given to send_message_batch()
  bool success = false;
  std::string message_id;  // when success
  // When not: SQS's code for the entry; "InvalidMessage" when the framework refused it before
  // sending; the call's error code when the whole SendMessageBatch call failed.
  std::string error_code;
  std::string error_message;
};

struct BatchSendResult {
  std::vector<SendEntryResult> entries;  // one per message, in input order

  [[nodiscard]] std::vector<std::string> message_ids() const;  // the successful ones, in order
  [[nodiscard]] std::size_t failed() const;
  [[nodiscard]] bool all_succeeded() const { return failed() == 0; }
};

class SQSSender {
 public:
  // ValueError when the queue URL is empty.
  explicit SQSSender(std::string queue_url);

  // Sends one message; ValueError for a malformed message, AwsError when SQS refused it (after
  // retries).
  SendMessageResult send_message(const Json& message) const;

  // Sends a list in SendMessageBatch calls of at most 10 entries and 256 KiB (a larger message
  // goes alone). Never throws for one bad message or one failed call: every message gets its own
  // result. An empty list is an empty result (no call).
  [[nodiscard]] BatchSendResult send_message_batch(const std::vector<Json>& messages) const;

  [[nodiscard]] const std::string& queue_url() const noexcept { return queue_url_; }

  // The SendMessage request fields of one message, without QueueUrl (a SendMessageBatch entry
  // without Id). Public for tests and tooling.
  [[nodiscard]] static Json message_request(const Json& message);

 private:
  std::string queue_url_;
  aws::AwsClient client_;
};

}  // namespace aws_helper
