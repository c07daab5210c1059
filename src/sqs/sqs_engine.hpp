// The engine under SQSConsumer (private to the framework): one SQS event through the
// consumer's process_record or process_batch, every record's outcome, and the reply with
// batchItemFailures. SQSConsumer::run hands it the consumer's hooks; the engine knows nothing
// else of the class users derive from.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/sqs.hpp>

namespace aws_helper::sqs_detail {

// What the engine calls back.
struct ConsumerHooks {
  ProcessingMode mode = ProcessingMode::single;
  std::function<void(const Json&)> process_record;
  std::function<void(std::span<const Json>)> process_batch;  // forgets earlier reports first
  // The failure the consumer reported for a record of the last batch (add_message_failed).
  std::function<std::optional<std::string>(const std::string& message_id)> reported_failure;
  const Logger* logger = nullptr;
};

// Runs the event (ValueError when it is not an SQS event) and returns the reply.
[[nodiscard]] Json run_event(const Json& event, const ConsumerHooks& hooks);

// The reply when no record ran: every record failed with `error`.
[[nodiscard]] Json all_failed_reply(const Json& event, const std::string& error);

// The string member `key` of an object; "" when absent or not a string.
[[nodiscard]] std::string string_field(const Json& object, const char* key);

}  // namespace aws_helper::sqs_detail
