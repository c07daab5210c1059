#include <aws_helper/lambda.hpp>

class StatefulLambda : public aws_helper::Lambda {
 public:
  aws_helper::Json process() override { return {{"state", *session().state()}, {"data", data()}}; }
};
