// lambda:heartbeat — a Lambda for the triggers that are not API requests: an EventBridge
// schedule (`bootstrap events schedule`), an SNS subscription (`bootstrap events sns`) or a
// direct invocation. It says which one started it; no state, no database.
#include <aws_helper/lambda.hpp>

class HeartbeatLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }

  aws_helper::Json process() override {
    const auto& event = data();  // no "data" key in AWS's events: the whole event
    metrics().count("Heartbeats");
    if (event.value("detail-type", "") == "Scheduled Event") {
      auto resources = event.value("resources", aws_helper::Json::array());
      return {{"trigger", "schedule"},
              {"rule", resources.empty() ? aws_helper::Json() : resources[0]},
              {"time", event.value("time", "")}};
    }
    if (auto records = event.find("Records"); records != event.end() && records->is_array() &&
                                              !records->empty() &&
                                              (*records)[0].value("EventSource", "") == "aws:sns") {
      return {{"trigger", "sns"},
              {"messages", records->size()},
              {"topic", (*records)[0]["Sns"].value("TopicArn", "")}};
    }
    return {{"trigger", "direct"}};
  }
};
