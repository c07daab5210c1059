#include <aws_helper/api.hpp>

class UsersPostsPostAPI : public aws_helper::API {
 public:
  void process() override {
    set_code(201).set_body({{"user_id", path_parameters().at("user_id")},
                            {"data", data()},
                            {"cookie", headers().get_or("cookie", "")}});
  }
};
