#include "mongo/requests.hpp"

#include <algorithm>
#include <string>

#include <aws_helper/deadline.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>

#include "mongo/client_pool.hpp"

namespace aws_helper::mongo {

BsonPtr filter_bson(const Json& filter) {
  return to_bson(filter.is_null() ? Json::object() : filter);
}

BsonPtr update_bson(const Json& update) {
  if (!update.is_array()) return to_bson(update);
  Json stages = Json::object();
  for (std::size_t i = 0; i < update.size(); ++i) stages[std::to_string(i)] = update[i];
  return to_bson(stages);
}

BsonPtr upsert_options(bool upsert) {
  return to_bson(Json{{"upsert", upsert}});
}

Json read_options_json() {
  Json opts = Json::object();
  if (auto left = time_left()) {
    opts["maxTimeMS"] = std::max<std::int64_t>(1, (*left - detail::kDeadlineMargin).count());
  }
  return opts;
}

BsonPtr read_options() {
  return to_bson(read_options_json());
}

Json with_object_id(const Json& document, const char* not_an_object) {
  if (!document.is_object()) throw ValueError(not_an_object);
  if (document.contains("_id")) return document;
  Json doc = {{"_id", object_id()}};
  for (const auto& [key, value] : document.items()) doc[key] = value;
  return doc;
}

}  // namespace aws_helper::mongo
