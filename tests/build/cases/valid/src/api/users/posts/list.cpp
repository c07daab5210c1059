#include <aws_helper/api.hpp>

class UsersPostsListAPI final : public aws_helper::API {
 public:
  void process() override { set_body(aws_helper::Json::array()); }
};
