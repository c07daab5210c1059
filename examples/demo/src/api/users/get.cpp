// GET /users/{id}
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

class UsersGetAPI : public aws_helper::API {
 public:
  void process() override {
    const auto& id = path_parameters().at("id");  // a bad ObjectId is a 400
    auto user = db()["users_db"]["users"].find_one({{"_id", aws_helper::object_id(id)}});
    if (!user) throw aws_helper::NotFoundError("User " + id + " not found");
    set_body({{"data", *user}});
    set_header("X-Resource-Id", id);
  }
};
