// DELETE /users/{id}: the user and their posts.
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

class UsersDeleteAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Delete a user", .success_code = 204};
  }
  void process() override {
    auto id = aws_helper::object_id(path_parameters().at("id"));
    auto removed = db()["users_db"]["users"].delete_one({{"_id", id}});
    if (removed.deleted_count == 0)
      throw aws_helper::NotFoundError("User " + path_parameters().at("id") + " not found");
    db()["users_db"]["posts"].delete_many({{"user_id", id}});
    set_code(204);
  }
};
