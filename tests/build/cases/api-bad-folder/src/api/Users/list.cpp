#include <aws_helper/api.hpp>

class UsersListAPI : public aws_helper::API {
 public:
  void process() override {}
};
