// GET /items
#include <aws_helper/api.hpp>

class ItemsListAPI : public aws_helper::API {
 public:
  void process() override {
    auto items = db()["@DATABASE@"]["items"];
    set_body({{"data", items.find({}, {.sort = {{"name", 1}}, .limit = 100}).to_list()}});
  }
};
