// lambda:hello — a standalone Lambda. Invoke it with
//   B=build/@SERVICE@/bootstrap
//   $B events lambda --data '{"name": "Ana"}' | $B invoke lambda:hello -e -
#include <string>

#include <aws_helper/lambda.hpp>

class HelloLambda : public aws_helper::Lambda {
 public:
  // No tenant needed for this one (the default requires session.state).
  [[nodiscard]] bool requires_state() const override { return false; }

  aws_helper::Json process() override {
    return {{"hello", data().value("name", std::string("world"))}};
  }
};
