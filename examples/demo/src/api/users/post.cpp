// POST /users {"name": ..., "email": ..., "role"?: "user" | "admin"}
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

#include "schemas/demo_schemas.hpp"

class UsersPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Create a user", .success_code = 201};
  }
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewUser>(); }

  void process() override {
    aws_helper::Json user = data();  // validated: name, email, role (default "user")
    user["created_at"] = aws_helper::date(std::chrono::system_clock::now());
    auto inserted = db()["users_db"]["users"].insert_one(user);
    user["_id"] = inserted.inserted_id;
    set_code(201).set_body({{"data", user}});
  }
};
