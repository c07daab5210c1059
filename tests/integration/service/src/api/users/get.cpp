#include <aws_helper/api.hpp>

class UsersGetAPI : public aws_helper::API {
 public:
  void process() override {
    set_body({{"id", path_parameters().at("id")},
              {"list", path_parameters().list()},
              {"query", data()},
              {"source", std::string(aws_helper::to_string(request().source))}});
  }
};
