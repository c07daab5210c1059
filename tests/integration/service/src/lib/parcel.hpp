// The schema shared by the parcels API and the validated Lambda.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <aws_helper/schema.hpp>

struct NewParcel {
  std::string carrier_id;
  double weight_kg = 1.0;
  int pieces = 1;
  std::optional<std::string> note;
  std::vector<std::string> tags;
  static void describe(aws_helper::Fields<NewParcel>& f) {
    f.required("carrier_id", &NewParcel::carrier_id).min_length(3);
    f.optional("weight_kg", &NewParcel::weight_kg).minimum(0.1).maximum(1000);
    f.optional("pieces", &NewParcel::pieces).minimum(1);
    f.optional("note", &NewParcel::note).max_length(20);
    f.optional("tags", &NewParcel::tags);
  }
};
