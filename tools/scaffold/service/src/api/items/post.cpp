// POST /items {"name": "pen", "quantity": 2}
#include <aws_helper/api.hpp>

#include "api/items/schemas.hpp"

class ItemsPostAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewItem>(); }
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Create an item", .success_code = 201};
  }

  void process() override {
    auto input = this->input<NewItem>();
    aws_helper::Json item = {{"name", input.name}, {"quantity", input.quantity}};
    auto inserted = db()["@DATABASE@"]["items"].insert_one(item);
    item["_id"] = inserted.inserted_id;
    set_code(201).set_body({{"data", item}});
  }
};
