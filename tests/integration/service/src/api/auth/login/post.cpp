#include <aws_helper/api.hpp>

// Public even when AUTHORIZATION asks for a token.
class AuthLoginPostAPI : public aws_helper::API {
 public:
  std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::none;
  }
  void process() override { set_body({{"token", "issued"}}); }
};
