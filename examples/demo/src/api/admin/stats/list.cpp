// GET /admin/stats — admin only, whatever AUTHORIZATION says: a token is always required here,
// and the user must have role "admin" (the seed README's AdminOnlyAPI).
#include <aws_helper/api.hpp>

class AdminStatsListAPI : public aws_helper::API {
 public:
  std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::user;
  }

  void validate() override {
    if (!is_authenticated()) throw aws_helper::UnauthorizedError("Authentication required");
    if (current_user()->value("role", "") != "admin")
      throw aws_helper::ForbiddenError("Admin access required");
  }

  void process() override {
    set_body({{"users", db()["users_db"]["users"].count_documents()},
              {"posts", db()["users_db"]["posts"].count_documents()},
              {"shippings", db()["deliveries"]["shippings"].count_documents()},
              {"constitutions", db()["constitution_db"]["constitutions"].count_documents()}});
  }
};
