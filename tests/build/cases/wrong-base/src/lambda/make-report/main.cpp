#include <aws_helper/json.hpp>

class MakeReportLambda {
 public:
  aws_helper::Json process() { return nullptr; }
};
