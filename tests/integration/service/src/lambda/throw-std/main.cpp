#include <stdexcept>

#include <aws_helper/lambda.hpp>

class ThrowStdLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  aws_helper::Json process() override { throw std::runtime_error("kaboom"); }
};
