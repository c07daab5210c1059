// POST /users/{user_id}/posts {"title", "body"?, "tags"?}
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

#include "schemas/demo_schemas.hpp"

class UsersPostsPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Add a post to a user", .success_code = 201};
  }
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewPost>(); }

  void validate() override {
    auto user_id = aws_helper::object_id(path_parameters().at("user_id"));
    if (db()["users_db"]["users"].count_documents({{"_id", user_id}}) == 0)
      throw aws_helper::NotFoundError("User " + path_parameters().at("user_id") + " not found");
  }

  void process() override {
    aws_helper::Json post = data();
    post["user_id"] = aws_helper::object_id(path_parameters().at("user_id"));
    post["created_at"] = aws_helper::date(std::chrono::system_clock::now());
    post["_id"] = db()["users_db"]["posts"].insert_one(post).inserted_id;
    set_code(201).set_body({{"data", post}});
  }
};
