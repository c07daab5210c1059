// One hop of a traced chain: logs the hop, sends the next one to `forward_queue_url` (SQSSender)
// and launches the trace-echo task when the message asks (tests/integration/
// trace_propagation_test.cpp).
#include <aws_helper/fargate.hpp>
#include <aws_helper/sqs.hpp>
#include <aws_helper/sqs_sender.hpp>

class TraceRelayConsumer : public aws_helper::SQSConsumer {
 public:
  void process_record(const aws_helper::Json& record) override {
    auto content = extract_content_message(record);
    int hop = content.value("hop", 0);
    logger().info("Consumed hop {}", hop);
    if (auto url = content.value("forward_queue_url", std::string()); !url.empty()) {
      aws_helper::SQSSender(url).send_message({{"content", {{"hop", hop + 1}}}});
    }
    if (content.value("task", false)) {
      logger().info("Launched {}", aws_helper::FargateExecutor().run_task("trace-echo"));
    }
  }
};
