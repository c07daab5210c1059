// sqs:events — an SQS consumer. Each record's message (the SNS envelope unwrapped) is stored
// in the `events` collection of the record's state (its session). A record that throws is
// retried alone by SQS (ReportBatchItemFailures).
//   B=build/@SERVICE@/bootstrap
//   $B events sqs --state sandbox --body '{"kind": "hello"}' | $B invoke sqs:events -e -
#include <aws_helper/sqs.hpp>

class EventsConsumer : public aws_helper::SQSConsumer {
 public:
  void process_record(const aws_helper::Json& record) override {
    auto message = extract_content_message(record);
    auto state = session().state().value_or("");
    db()[state]["events"].insert_one(
        {{"message_id", record.at("messageId")}, {"message", message}});
    logger().info("Stored an event for state {}", state);
  }
};
