#include <aws_helper/lambda.hpp>

class MakeReportLambda : public aws_helper::Lambda {};
