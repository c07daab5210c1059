#include <aws_helper/api.hpp>

class UsersPutAPI : public aws_helper::API {
 public:
  void process() override {
    set_body({{"id", path_parameters().at("user_id")},
              {"data", data()},
              {"state", session().state().value_or("")},
              {"tags", query_parameters().get_all("tag")}});
  }
};
