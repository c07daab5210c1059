#include <aws_helper/api.hpp>

// Echoes what the framework gave it, and a total count header. Under AUTHORIZATION=permission
// the caller's grants are the user's `permissions` (a JWT's extra claims, or the user document).
class UsersListAPI : public aws_helper::API {
 public:
  std::optional<std::vector<std::string>> granted_permissions() override {
    std::vector<std::string> granted;
    for (const auto& code : current_user()->value("permissions", aws_helper::Json::array())) {
      if (code.is_string()) granted.push_back(code.get<std::string>());
    }
    return granted;
  }
  void process() override {
    set_header("X-Total-Count", "2");
    set_body({{"data", data()},
              {"state", session().state().value_or("")},
              {"user", current_user().value_or(nullptr)},
              {"is_authenticated", is_authenticated()},
              {"is_bypass", auth_data().is_null() ? false : auth_data()["is_bypass"].get<bool>()}});
  }
};
