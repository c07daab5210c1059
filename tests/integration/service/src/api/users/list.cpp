#include <aws_helper/api.hpp>

// Echoes what the framework gave it, and a total count header.
class UsersListAPI : public aws_helper::API {
 public:
  void process() override {
    set_header("X-Total-Count", "2");
    set_body({{"data", data()},
              {"state", session().state().value_or("")},
              {"user", current_user().value_or(nullptr)},
              {"is_authenticated", is_authenticated()},
              {"is_bypass", auth_data().is_null() ? false : auth_data()["is_bypass"].get<bool>()}});
  }
};
