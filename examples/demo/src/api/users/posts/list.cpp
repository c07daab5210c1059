// GET /users/{user_id}/posts
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

class UsersPostsListAPI : public aws_helper::API {
 public:
  void process() override {
    auto user_id = aws_helper::object_id(path_parameters().at("user_id"));
    auto posts = db()["users_db"]["posts"]
                     .find({{"user_id", user_id}}, {.sort = {{"created_at", -1}}})
                     .to_list(100);
    set_body({{"data", posts}});
    set_header("X-Total-Count", std::to_string(posts.size()));
  }
};
