#include <aws_helper/api.hpp>

class UsersGetAPI final : public aws_helper::API {
 public:
  void process() override { set_body({{"id", path_parameters().at("id")}}); }
};
