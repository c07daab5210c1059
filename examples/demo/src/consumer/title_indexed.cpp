// sqs:title-indexed — the seed README's consumer: marks the constitution named in each
// title-indexed message. Single mode: a record that throws is retried alone.
#include <aws_helper/document.hpp>
#include <aws_helper/sqs.hpp>

class TitleIndexedConsumer : public aws_helper::SQSConsumer {
 public:
  void process_record(const aws_helper::Json& record) override {
    auto message = extract_content_message(record);  // the SNS envelope unwrapped
    auto id = message.at("constitution_id").get<std::string>();
    auto updated = db()["constitution_db"]["constitutions"].update_one(
        {{"_id", aws_helper::object_id(id)}},
        {{"$set",
          {{"title_indexed", true},
           {"indexed_title", message.at("title")},
           {"indexed_at", aws_helper::date(std::chrono::system_clock::now())}}}});
    if (updated.matched_count == 0) throw aws_helper::NotFoundError("No constitution " + id);
    metrics().count("TitlesIndexed");
    logger().info("Indexed '{}' for state {}", message.at("title").get<std::string>(),
                  session().state().value_or("(none)"));
  }
};
