// Batch mode: one process_batch per session state (recorded in sqs_test.groups); orders with
// "fail": true are reported with add_message_failed, and {"explode": true} fails the group.
#include <aws_helper/sqs.hpp>

class OrdersBatchConsumer : public aws_helper::SQSConsumer {
 public:
  [[nodiscard]] aws_helper::ProcessingMode processing_mode() const override {
    return aws_helper::ProcessingMode::batch;
  }

  void process_batch(std::span<const aws_helper::Json> records) override {
    aws_helper::Json ids = aws_helper::Json::array();
    for (const auto& record : records) ids.push_back(record.at("messageId"));
    db()["sqs_test"]["groups"].insert_one(
        {{"state", session().state() ? aws_helper::Json(*session().state()) : aws_helper::Json()},
         {"message_ids", ids}});
    for (const auto& record : records) {
      auto content = extract_content_message(record);
      if (content.value("explode", false)) throw aws_helper::ValueError("the whole batch failed");
      if (content.value("fail", false)) {
        add_message_failed(record.at("messageId").get<std::string>(), "order refused");
      }
    }
  }
};
