// Logs one line, under the trace the task was launched with (_X_AMZN_TRACE_ID).
#include <aws_helper/fargate.hpp>

class TraceEchoTask : public aws_helper::FargateTask {
 public:
  void execute() override { logger().info("Echoing the launcher's trace"); }
};
