// lambda:generate-route — plans a delivery route for the caller's state.
//
//   curl -d '{"session":{"state":"connecticut"},"data":{"origin":"Hartford","stops":["New
//   Haven","Stamford"]}}' \
//        http://127.0.0.1:9000/2015-03-31/functions/function/invocations
#include <aws_helper/lambda.hpp>

class GenerateRouteLambda : public aws_helper::Lambda {
 public:
  void validate() override {
    if (!data().contains("origin") || !data()["origin"].is_string()) {
      throw aws_helper::ValueError("'origin' is required and must be a string");
    }
    if (data().contains("stops") && !data()["stops"].is_array()) {
      throw aws_helper::ValueError("'stops' must be a list");
    }
  }

  aws_helper::Json process() override {
    const auto& origin = data()["origin"].get_ref<const std::string&>();
    aws_helper::Json legs = aws_helper::Json::array();
    std::string from = origin;
    for (const auto& stop : data().value("stops", aws_helper::Json::array())) {
      legs.push_back({{"from", from}, {"to", stop}});
      from = stop.get<std::string>();
    }
    logger().info("Planned {} legs from {}", legs.size(), origin);
    return {{"state", *session().state()},
            {"origin", origin},
            {"legs", legs},
            {"remaining_ms", context().remaining_time().count()}};
  }
};
