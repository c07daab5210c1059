// The items API's input, validated before validate()/process() and shown in /openapi.json.
#pragma once

#include <string>

#include <aws_helper/schema.hpp>

struct NewItem {
  std::string name;
  int quantity = 1;
  static void describe(aws_helper::Fields<NewItem>& f) {
    f.required("name", &NewItem::name).min_length(1).max_length(100);
    f.optional("quantity", &NewItem::quantity).minimum(1).maximum(1000);
  }
};
