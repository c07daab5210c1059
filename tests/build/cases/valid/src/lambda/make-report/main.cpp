#include <aws_helper/lambda.hpp>

class MakeReportLambda final : public aws_helper::Lambda {
 public:
  aws_helper::Json process() override { return "report"; }
};
