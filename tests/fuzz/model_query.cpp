// ModelQueryLambda's payload, the query proxy other services call: validate() on the whole
// payload, and checked_pipeline() / coerce_id_filter() on its parts. No database: validate()
// only checks and rewrites. Whatever checked_pipeline() lets through is walked again here and
// must keep the promises of model_query.hpp: no writing stage, no JavaScript anywhere, only
// allowed collections read ($lookup, $graphLookup, $unionWith, nested and in $facet), only
// read-only stages, and the maximum $limit last.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/model_query.hpp>

#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

class OrdersQuery : public ModelQueryLambda {
 public:
  [[nodiscard]] std::vector<std::string> allowed_collections() const override {
    return {"orders", "customers"};
  }
  [[nodiscard]] std::int64_t max_limit() const override { return 50; }
};

bool allowed_collection(const Json& name) {
  return name.is_string() && (name == "orders" || name == "customers");
}

void no_javascript(const Json& value) {
  if (value.is_object()) {
    for (const auto& [key, inner] : value.items()) {
      FUZZ_CHECK(key != "$where" && key != "$function" && key != "$accumulator");
      no_javascript(inner);
    }
  } else if (value.is_array()) {
    for (const auto& inner : value) no_javascript(inner);
  }
}

constexpr std::array<std::string_view, 26> kReadOnly = {
    "$match",  "$project",    "$addFields",   "$set",         "$unset",
    "$group",  "$sort",       "$limit",       "$skip",        "$count",
    "$unwind", "$lookup",     "$graphLookup", "$unionWith",   "$facet",
    "$bucket", "$bucketAuto", "$sortByCount", "$replaceRoot", "$replaceWith",
    "$sample", "$redact",     "$densify",     "$fill",        "$setWindowFields",
    "$geoNear"};

void safe_stages(const Json& stages) {
  FUZZ_CHECK(stages.is_array());
  for (const auto& stage : stages) {
    FUZZ_CHECK(stage.is_object() && stage.size() == 1);
    const auto& name = stage.begin().key();
    const auto& spec = stage.begin().value();
    FUZZ_CHECK(std::find(kReadOnly.begin(), kReadOnly.end(), name) != kReadOnly.end());
    no_javascript(spec);
    if (name == "$lookup" || name == "$graphLookup") {
      FUZZ_CHECK(spec.is_object() && allowed_collection(spec.value("from", Json())));
      if (spec.contains("pipeline")) safe_stages(spec["pipeline"]);
    } else if (name == "$unionWith") {
      if (spec.is_object()) {
        FUZZ_CHECK(allowed_collection(spec.value("coll", Json())));
        if (spec.contains("pipeline")) safe_stages(spec["pipeline"]);
      } else {
        FUZZ_CHECK(allowed_collection(spec));
      }
    } else if (name == "$facet") {
      FUZZ_CHECK(spec.is_object());
      for (const auto& [facet, sub] : spec.items()) safe_stages(sub);
    }
  }
}

// An `_id` hex text never reaches MongoDB as text: it is an ObjectId by then.
void ids_coerced(const Json& filter) {
  if (!filter.is_object()) return;
  if (auto id = filter.find("_id"); id != filter.end()) {
    FUZZ_CHECK(!id->is_string());
    if (id->is_object() && !id->contains("$oid")) {
      for (const auto& [op, operand] : id->items()) {
        if (op == "$eq" || op == "$ne" || op == "$gt" || op == "$gte" || op == "$lt" ||
            op == "$lte") {
          FUZZ_CHECK(!operand.is_string());
        }
        if (op == "$in" || op == "$nin") {
          for (const auto& item : operand) FUZZ_CHECK(!item.is_string());
        }
      }
    }
  }
  for (const char* logical : {"$and", "$or", "$nor"}) {
    if (auto it = filter.find(logical); it != filter.end()) {
      for (const auto& clause : *it) ids_coerced(clause);
    }
  }
}

void pipeline(const OrdersQuery& query, const Json& stages) {
  try {
    auto checked = query.checked_pipeline(stages);
    FUZZ_CHECK(checked.is_array() && !checked.empty());
    FUZZ_CHECK(checked.back() == (Json{{"$limit", 50}}));
    safe_stages(checked);
    for (const auto& stage : checked) {
      if (stage.contains("$match")) ids_coerced(stage["$match"]);
    }
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

void filter(const Json& value) {
  try {
    auto coerced = ModelQueryLambda::coerce_id_filter(value);
    ids_coerced(coerced);
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  Json payload;
  try {
    payload = parse_json(fuzz::text_of(data, size), "The payload");
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return 0;
  }
  OrdersQuery query;
  query.data() = payload;
  try {
    query.validate();
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
  pipeline(query, payload);
  filter(payload);
  if (payload.is_object()) {
    if (auto it = payload.find("pipeline"); it != payload.end()) pipeline(query, *it);
    if (auto it = payload.find("filter"); it != payload.end()) filter(*it);
  }
  return 0;
}
