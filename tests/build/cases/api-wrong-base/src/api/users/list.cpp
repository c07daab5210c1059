#include <aws_helper/lambda.hpp>

class UsersListAPI : public aws_helper::Lambda {
 public:
  aws_helper::Json process() override { return nullptr; }
};
