// SNS publishers: one class per topic, as in the Python framework.
//
//   class TitleIndexedTopic : public aws_helper::SNSPublisher {
//    public:
//     TitleIndexedTopic() : SNSPublisher(aws_helper::get_env_or("TITLE_INDEXED_SNS_TOPIC_ARN", ""))
//     {} static aws_helper::Json build_message(const std::string& id, const std::string& title) {
//       return {{"content", {{"constitution_id", id}, {"title", title}}},
//               {"attributes", {{"event_type", "title_indexed"}}}};
//     }
//   };
//   TitleIndexedTopic().publish(TitleIndexedTopic::build_message("123", "My Constitution"));
//
// A message is {"content": <any JSON but null/empty>, "attributes": {...}, "subject": "..."};
// FIFO topics also take "message_group_id" and "message_deduplication_id". The content is sent
// as JSON with the MongoDB conversion (ObjectId as hex, dates as ISO 8601). The current session,
// when there is one, travels as the attribute `session` = Base64(session JSON), which the SQS
// consumers of this framework (and of the Python one) read back; a `session` attribute the
// message already has is kept. The current trace (trace.hpp) travels as the attribute
// `X-Amzn-Trace-Id`, when the message has none and fewer than 10 attributes (SQS's limit), so
// the consumer continues it even where the topic has no active tracing. The caller's message is
// never modified.
//
// Attribute values keep their types: a JSON string is SNS `String`, a number `Number`, a
// boolean the `String` "true"/"false", an array `String.Array`; {"DataType": "Binary",
// "Value": "<base64>"} (or any DataType with "Value") is passed as given. null is left out.
//
// The topic's region is the one in its ARN, else AWS_REGION; the endpoint AWS_ENDPOINT_URL_SNS,
// else AWS_ENDPOINT_URL, else the regional SNS endpoint.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <aws_helper/aws.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

struct PublishResult {
  std::string message_id;
  std::optional<std::string> sequence_number;  // FIFO topics
};

// One message of a batch publish.
struct PublishEntryResult {
  std::size_t index = 0;  // position in the list given to publish()
  bool success = false;
  std::string message_id;  // when success
  // When not: the SNS code for the entry; "InvalidMessage" when the framework refused it before
  // sending; the call's error code when the whole PublishBatch call failed.
  std::string error_code;
  std::string error_message;
};

struct BatchPublishResult {
  std::vector<PublishEntryResult> entries;  // one per message, in input order

  [[nodiscard]] std::vector<std::string> message_ids() const;  // the successful ones, in order
  [[nodiscard]] std::size_t failed() const;
  [[nodiscard]] bool all_succeeded() const { return failed() == 0; }
};

class SNSPublisher {
 public:
  // ValueError("topic_arn is required for <class name>") when empty, as in the Python code.
  explicit SNSPublisher(std::string topic_arn);
  virtual ~SNSPublisher() = default;
  SNSPublisher(const SNSPublisher&) = delete;
  SNSPublisher& operator=(const SNSPublisher&) = delete;

  // Publishes one message; throws ValueError for a malformed message and AwsError when SNS
  // refused it (after retries).
  PublishResult publish(const Json& message) const;

  // Publishes a list in PublishBatch calls of at most 10 (the SNS limit). Never throws for one
  // bad message or one failed chunk: every message gets its own result. An empty list is an
  // empty result (no call).
  [[nodiscard]] BatchPublishResult publish(const std::vector<Json>& messages) const;

  [[nodiscard]] const std::string& topic_arn() const noexcept { return topic_arn_; }

  // The query-protocol parameters of one message (prefix "" for Publish, or
  // "PublishBatchRequestEntries.member.N." for a batch entry). Public for tests and tooling.
  [[nodiscard]] static std::vector<std::pair<std::string, std::string>> message_parameters(
      const Json& message, const std::string& prefix);

 private:
  [[nodiscard]] const aws::AwsClient& client() const;
  std::string topic_arn_;
  mutable std::optional<aws::AwsClient> client_;
};

// The attribute the session travels in: Base64 of the session's JSON (MongoDB conversion).
[[nodiscard]] std::string encode_session_attribute(const Json& session);

}  // namespace aws_helper
