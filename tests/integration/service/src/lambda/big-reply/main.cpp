#include <aws_helper/lambda.hpp>

class BigReplyLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  aws_helper::Json process() override {
    return std::string(data().value("bytes", std::size_t{0}), 'x');
  }
};
