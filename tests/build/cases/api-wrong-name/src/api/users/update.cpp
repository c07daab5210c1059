#include <aws_helper/api.hpp>

class UsersUpdateAPI : public aws_helper::API {
 public:
  void process() override {}
};
