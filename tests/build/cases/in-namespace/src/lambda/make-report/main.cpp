#include <aws_helper/lambda.hpp>

namespace reports {
class MakeReportLambda : public aws_helper::Lambda {
 public:
  aws_helper::Json process() override { return nullptr; }
};
}  // namespace reports
