// sqs:orders — a batch-mode consumer: the records of one state arrive together, are checked,
// and the valid ones are written in one bulk_write to the state's orders collection. Invalid
// orders are reported with add_message_failed; SQS retries only those. SQS delivers at least
// once: the consumer is idempotent by message id (docs/idempotency.md), so a redelivered
// message is not processed again and counts as successful; each order is also an upsert keyed
// by order_id, so the same order sent twice in two messages is stored once.
#include "repositories/orders.hpp"

#include <aws_helper/sqs.hpp>

class OrdersConsumer : public aws_helper::SQSConsumer {
 public:
  [[nodiscard]] aws_helper::ProcessingMode processing_mode() const override {
    return aws_helper::ProcessingMode::batch;
  }

  // Keyed by the SQS message id (the default), for an hour.
  [[nodiscard]] std::optional<aws_helper::IdempotencyConfig> idempotency() const override {
    return aws_helper::IdempotencyConfig{};
  }

  void process_batch(std::span<const aws_helper::Json> records) override {
    std::vector<aws_helper::WriteOperation> upserts;
    for (const auto& record : records) {
      auto id = record.at("messageId").get<std::string>();
      auto order = extract_content_message(record);
      if (!order.is_object() || !order.contains("order_id") || !order["amount"].is_number() ||
          order["amount"].get<double>() <= 0) {
        add_message_failed(id, "an order needs order_id and a positive amount");
        metrics().count("OrdersRejected");
        continue;
      }
      order["message_id"] = id;
      upserts.emplace_back(aws_helper::UpdateOne{
          {{"order_id", order["order_id"]}}, {{"$setOnInsert", order}}, /*upsert=*/true});
    }
    // The session's state picks the database: connecticut.orders, ohio.orders, ...
    if (!upserts.empty()) static_cast<void>(OrdersRepository().collection().bulk_write(upserts));
    // Per state: the metrics of each state's group go on a line with its `state` dimension.
    metrics().count("OrdersAccepted", static_cast<double>(upserts.size()));
  }
};
