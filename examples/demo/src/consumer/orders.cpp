// sqs:orders — a batch-mode consumer: the records of one state arrive together, are checked,
// and the valid ones are written in one insert_many to the state's orders collection. Invalid
// orders are reported with add_message_failed; SQS retries only those.
#include "repositories/orders.hpp"

#include <aws_helper/sqs.hpp>

class OrdersConsumer : public aws_helper::SQSConsumer {
 public:
  [[nodiscard]] aws_helper::ProcessingMode processing_mode() const override {
    return aws_helper::ProcessingMode::batch;
  }

  void process_batch(std::span<const aws_helper::Json> records) override {
    std::vector<aws_helper::Json> orders;
    for (const auto& record : records) {
      auto id = record.at("messageId").get<std::string>();
      auto order = extract_content_message(record);
      if (!order.is_object() || !order.contains("order_id") || !order["amount"].is_number() ||
          order["amount"].get<double>() <= 0) {
        add_message_failed(id, "an order needs order_id and a positive amount");
        continue;
      }
      order["message_id"] = id;
      orders.push_back(order);
    }
    // The session's state picks the database: connecticut.orders, ohio.orders, ...
    if (!orders.empty()) static_cast<void>(OrdersRepository().collection().insert_many(orders));
  }
};
