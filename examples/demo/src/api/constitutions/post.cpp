// POST /constitutions {"name", "country", "year"} — stores a constitution and publishes a
// title-indexed message (TitleIndexedTopic); sqs:title-indexed consumes it.
#include <aws_helper/api.hpp>

#include "schemas/demo_schemas.hpp"
#include "topic/title_indexed.hpp"

class ConstitutionsPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Store a constitution and announce it on SNS", .success_code = 201};
  }
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<NewConstitution>();
  }

  void process() override {
    auto input = this->input<NewConstitution>();
    TitleIndexedTopic topic;  // before the insert: a missing topic ARN stores nothing
    auto inserted = db()["constitution_db"]["constitutions"].insert_one(data());
    auto id = inserted.inserted_id.at("$oid").get<std::string>();
    auto published = topic.publish(TitleIndexedTopic::build_message(id, input.name));
    metrics().count("ConstitutionsPublished");
    set_code(201).set_body({{"constitution_id", id}, {"message_id", published.message_id}});
  }
};
