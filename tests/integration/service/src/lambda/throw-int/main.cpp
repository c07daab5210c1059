#include <aws_helper/lambda.hpp>

// Throws something that is not a std::exception: only the runtime loop's catch-all sees it.
class ThrowIntLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  aws_helper::Json process() override {
    if (data().value("throw", true)) throw 42;
    return "no throw";
  }
};
