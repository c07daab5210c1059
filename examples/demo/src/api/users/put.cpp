// PUT /users/{id} {"name"?, "email"?, "role"?}: changes only the fields given.
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

#include "schemas/demo_schemas.hpp"

class UsersPutAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<UserChanges>();
  }

  void process() override {
    aws_helper::Json changes = aws_helper::Json::object();
    for (const auto& [key, value] : data().items())
      if (!value.is_null()) changes[key] = value;
    if (changes.empty()) throw aws_helper::ValueError("Nothing to change");
    auto id = aws_helper::object_id(path_parameters().at("id"));
    auto users = db()["users_db"]["users"];
    auto updated =
        users.find_one_and_update({{"_id", id}}, {{"$set", changes}}, {.return_new = true});
    if (!updated)
      throw aws_helper::NotFoundError("User " + path_parameters().at("id") + " not found");
    set_body({{"data", *updated}});
  }
};
