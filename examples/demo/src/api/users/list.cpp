// GET /users?limit=20
#include <aws_helper/api.hpp>

class UsersListAPI : public aws_helper::API {
 public:
  void process() override {
    auto users = db()["users_db"]["users"];
    auto page =
        users.find({}, {.projection = {{"password", 0}}, .sort = {{"name", 1}}, .limit = 100})
            .to_list();
    set_body({{"data", page}});
    set_header("X-Total-Count", std::to_string(users.count_documents()));
  }
};
