#include <aws_helper/api.hpp>
#include <aws_helper/permissions.hpp>

// Echoes what the framework gave it, and a total count header. Under AUTHORIZATION=permission
// the caller's grants are the user's `permissions` (a JWT's extra claims, or the user document).
class UsersListAPI : public aws_helper::API {
 public:
  std::optional<std::vector<std::string>> granted_permissions() override {
    return aws_helper::permissions::granted_in(current_user());
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
