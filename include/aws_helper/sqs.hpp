// SQS consumers: `src/consumer/<snake_name>.cpp` defines `<PascalName>Consumer`, served as the
// handler `sqs:<kebab-name>` (src/consumer/title_indexed.cpp -> TitleIndexedConsumer ->
// sqs:title-indexed).
//
//   class TitleIndexedConsumer : public aws_helper::SQSConsumer {
//    public:
//     void process_record(const aws_helper::Json& record) override {
//       auto content = extract_content_message(record);   // the SNS envelope unwrapped
//       db()["deliveries"]["titles"].insert_one({{"title", content.at("title")}});
//     }
//   };
//
// Single mode (the default) runs process_record() once per record; a record that throws is
// reported failed. Batch mode (processing_mode() returns ProcessingMode::batch) groups the
// records by session state and runs process_batch() once per group; report failures with
// add_message_failed(), or throw to fail the whole group.
//
// Each record runs with its own session: from the SNS envelope's `session` attribute, or, with
// raw message delivery, from the record's own `session` message attribute (Base64 of the
// session JSON either way). A state is validated (StateValidator) before user code sees it; a
// record without a session runs with an empty one (never the previous record's). In batch mode
// a group runs under the first session seen for its state (as the Python framework does): the
// `user` of later records in the group is not installed; read it with extract_session(record).
//
// The reply is {"processed", "successful", "failed", "results", "batchItemFailures"}: enable
// ReportBatchItemFailures on the event source mapping so SQS retries only the failed records.
// A failure of the handler itself reports every record as failed. FIFO queues (the event source
// ARN ends in ".fifo") stop at the first failure and report every later record as failed, so
// SQS redelivers them in order.
#pragma once

#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <aws_helper/handler.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

enum class ProcessingMode { single, batch };

class SQSConsumer : public HandlerBase {
 public:
  SQSConsumer() : HandlerBase("SQSConsumer") {}
  virtual ~SQSConsumer() = default;
  SQSConsumer(const SQSConsumer&) = delete;
  SQSConsumer& operator=(const SQSConsumer&) = delete;

  [[nodiscard]] virtual ProcessingMode processing_mode() const { return ProcessingMode::single; }

  // Idempotency (idempotency.hpp): with a config, a record whose key was processed within the
  // expiry is not processed again and counts as successful (SQS deletes it). The key is the
  // message id by default (the SNS MessageId for an SNS notification), or JSON pointers into
  // extract_content_message(record); that message is what a mismatch is told by. A record
  // whose key is in progress elsewhere fails, so SQS redelivers it later. Single and batch
  // mode alike; in batch mode process_batch() gets only the records to process.
  [[nodiscard]] virtual std::optional<IdempotencyConfig> idempotency() const {
    return std::nullopt;
  }

  // Single mode: one record (the SQS event record as received). Throw to fail it.
  virtual void process_record(const Json& record);
  // Batch mode: the records of one session state. Throw to fail them all.
  virtual void process_batch(std::span<const Json> records);

  // Batch mode: reports one record of the current group as failed.
  void add_message_failed(const std::string& message_id, const std::string& error = "");

  // The message a record carries: the body parsed as JSON, with an SNS envelope unwrapped (its
  // Message parsed as JSON when it is JSON text). Plain text is {"raw": body}, an SNS Message
  // of plain text {"raw": message, "sns_notification": true}; text that starts like JSON ('{'
  // or '[') and cannot be read throws ValueError (the record fails; in batch mode the engine
  // takes such records out before process_batch).
  [[nodiscard]] static Json extract_content_message(const Json& record);

  // The session a record carries (see above); nullopt when none or unreadable (logged).
  [[nodiscard]] static std::optional<Session> extract_session(const Json& record);

  // "https://sqs.<AWS_REGION>.amazonaws.com/<AWS_ACCOUNT_ID>/<SERVICE_NAME><QUEUE_NAME>-<ENV>",
  // as the Python framework builds it; ConfigurationError naming the missing variables.
  [[nodiscard]] static std::string get_queue_url();

  // Runs the consumer over an SQS event and returns the reply. The handler's entry point;
  // public for tests and for running a consumer by hand.
  [[nodiscard]] Json run(const Json& event, std::string_view class_name = "SQSConsumer");

 private:
  [[nodiscard]] idempotency::Record idempotency_record(const IdempotencyConfig& config,
                                                       const Json& record) const;
  void process_idempotent_record(const IdempotencyConfig& config, const Json& record);
  void process_idempotent_batch(const IdempotencyConfig& config, std::span<const Json> records);

  struct Failure {
    std::string message_id;
    std::string error;
  };
  std::mutex failed_mutex_;  // add_message_failed may be called from gather() tasks
  std::vector<Failure> failed_;
};

// The reply for an event whose handler failed before any record ran: every record failed.
[[nodiscard]] Json sqs_failure_reply(const Json& event, const std::exception& error);

}  // namespace aws_helper
