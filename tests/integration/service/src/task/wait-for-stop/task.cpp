// Works in units of 20 ms until the container is asked to stop (SIGTERM), then returns; gives up
// after 20 s so a test that never signals does not hang.
#include <chrono>
#include <thread>

#include <aws_helper/fargate.hpp>

class WaitForStopTask : public aws_helper::FargateTask {
 public:
  void execute() override {
    logger().info("Working until asked to stop");
    int units = 0;
    while (!stop_requested() && units < 1000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++units;
    }
    if (!stop_requested()) throw aws_helper::ValueError("no SIGTERM came");
    logger().info("Stop requested: returning");
  }
};
