// Single mode: records what each record carried (session and content) in sqs_test.seen, and
// fails the records whose content asks for it.
#include <aws_helper/sqs.hpp>

class SessionEchoConsumer : public aws_helper::SQSConsumer {
 public:
  void process_record(const aws_helper::Json& record) override {
    auto content = extract_content_message(record);
    const auto& user = session().user();
    db()["sqs_test"]["seen"].insert_one(
        {{"message_id", record.at("messageId")},
         {"state", session().state() ? aws_helper::Json(*session().state()) : aws_helper::Json()},
         {"user_id", user ? user->value("id", aws_helper::Json()) : aws_helper::Json()},
         {"content", content}});
    if (content.is_object() && content.value("fail", false)) {
      throw aws_helper::ValueError("asked to fail");
    }
  }
};
