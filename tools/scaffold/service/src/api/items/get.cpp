// GET /items/{id}
#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>

class ItemsGetAPI : public aws_helper::API {
 public:
  void process() override {
    auto item = db()["@DATABASE@"]["items"].find_one(
        {{"_id", aws_helper::object_id(path_parameters().at("id"))}});
    if (!item) throw aws_helper::NotFoundError("Item not found");
    set_body({{"data", *item}});
  }
};
