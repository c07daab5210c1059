// Publishes the request's data to TRACE_TOPIC_ARN and answers with the trace it ran under, so a
// test can follow one trace from the request on (tests/integration/trace_propagation_test.cpp).
#include <aws_helper/api.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/sns.hpp>
#include <aws_helper/trace.hpp>

class TracesPostAPI : public aws_helper::API {
 public:
  void process() override {
    logger().info("Publishing the traced message");
    std::string message_id;
    if (auto topic = aws_helper::get_env_or("TRACE_TOPIC_ARN", ""); !topic.empty()) {
      message_id =
          aws_helper::SNSPublisher(topic).publish(aws_helper::Json{{"content", data()}}).message_id;
    }
    set_code(201).set_body({{"trace", aws_helper::trace::current()}, {"message_id", message_id}});
  }
};
