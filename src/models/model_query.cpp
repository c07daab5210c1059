#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>

#include <aws_helper/document.hpp>
#include <aws_helper/model_query.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper {
namespace {

constexpr std::array<std::string_view, 6> kScalarOperators = {"$eq",  "$ne", "$gt",
                                                              "$gte", "$lt", "$lte"};
// Operators that run JavaScript on the server: refused anywhere in a filter or pipeline.
constexpr std::array<std::string_view, 3> kJavaScript = {"$where", "$function", "$accumulator"};
// Stages that write.
constexpr std::array<std::string_view, 2> kWriting = {"$out", "$merge"};
// The stages a pipeline may use: each reads only the documents flowing through it, or (the
// $lookup family, checked below) a collection of the allow list. Anything else is refused by
// name, so a stage added to MongoDB later ($collStats, $indexStats, $currentOp, $documents,
// $changeStream and the like today) is refused until it is known to be safe.
constexpr std::array<std::string_view, 26> kReadOnlyStages = {
    "$match",  "$project",    "$addFields",   "$set",         "$unset",
    "$group",  "$sort",       "$limit",       "$skip",        "$count",
    "$unwind", "$lookup",     "$graphLookup", "$unionWith",   "$facet",
    "$bucket", "$bucketAuto", "$sortByCount", "$replaceRoot", "$replaceWith",
    "$sample", "$redact",     "$densify",     "$fill",        "$setWindowFields",
    "$geoNear"};

template <std::size_t N>
bool one_of(std::string_view key, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

std::string json_type(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number()) return "number";
  if (value.is_array()) return "array";
  if (value.is_object()) return "object";
  return "string";
}

bool is_object_id_text(const std::string& text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(),
                                          [](unsigned char c) { return std::isxdigit(c) != 0; });
}

Json coerce_id_value(const Json& value) {
  if (value.is_object() && value.contains("$oid")) return value;  // already an ObjectId
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!is_object_id_text(text)) {
      throw ValueError("'_id' value '" + excerpt(text) + "' is not a valid ObjectId");
    }
    return object_id(text);
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [op, operand] : value.items()) {
      if (op == "$in" || op == "$nin") {
        if (!operand.is_array())
          throw ValueError("'" + excerpt(op) + "' value for '_id' must be a list");
        Json list = Json::array();
        for (const auto& item : operand) list.push_back(coerce_id_value(item));
        out[op] = list;
      } else if (one_of(op, kScalarOperators)) {
        out[op] = coerce_id_value(operand);
      } else {
        out[op] = operand;  // $exists and friends pass through
      }
    }
    return out;
  }
  throw ValueError("Unsupported type for '_id' filter: " + json_type(value));
}

template <typename List>
std::string joined(const List& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Refuses JavaScript operators anywhere in `value`.
void refuse_javascript(const Json& value, std::string_view where) {
  if (value.is_object()) {
    for (const auto& [key, inner] : value.items()) {
      if (one_of(key, kJavaScript)) {
        throw ValueError("Operator '" + key + "' is not allowed in " + std::string(where) +
                         " (it runs JavaScript on the server)");
      }
      refuse_javascript(inner, where);
    }
  } else if (value.is_array()) {
    for (const auto& inner : value) refuse_javascript(inner, where);
  }
}

std::optional<std::int64_t> non_negative(const Json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    throw ValueError(std::string("'") + key + "' must be a non-negative integer");
  }
  return it->get<std::int64_t>();
}

std::optional<std::string> overlapping(const std::string& path,
                                       const std::vector<std::string>& excluded) {
  for (const auto& field : excluded) {
    if (detail::paths_overlap(path, field)) return field;
  }
  return std::nullopt;
}

// A filter may not test an excluded field: {"password": {"$regex": "^a"}} answers, one
// document count at a time, what the projection hides. Field names and $expr field
// references ("$password") are both checked, at any depth.
void refuse_excluded_in_filter(const Json& filter, const std::vector<std::string>& excluded) {
  auto refuse = [](const std::string& path, const std::string& field) {
    throw ValueError("The filter tests '" + excerpt(path) + "', and '" + field +
                     "' is a field this collection does not return");
  };
  if (filter.is_object()) {
    for (const auto& [key, value] : filter.items()) {
      if (!key.empty() && key[0] != '$') {
        if (auto field = overlapping(key, excluded)) refuse(key, *field);
      }
      refuse_excluded_in_filter(value, excluded);
    }
  } else if (filter.is_array()) {
    for (const auto& value : filter) refuse_excluded_in_filter(value, excluded);
  } else if (filter.is_string()) {
    const auto& text = filter.get_ref<const std::string&>();
    if (text.size() > 1 && text[0] == '$' && text[1] != '$') {
      if (auto field = overlapping(text.substr(1), excluded)) refuse(text, *field);
    }
  }
}

bool projection_truthy(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  return value.get<double>() != 0.0;
}

}  // namespace

Json ModelQueryLambda::enforce_exclusions(const Json& fields,
                                          const std::vector<std::string>& excluded) {
  Json projection = fields.is_object() ? fields : Json::object();
  if (excluded.empty()) return projection;
  bool inclusive = false;
  for (const auto& [key, value] : projection.items()) {
    // Expressions could rename an excluded field into the reply ({"x": "$password"}).
    if (!value.is_boolean() && !value.is_number()) {
      throw ValueError("'fields' of a collection that hides fields takes only 0 or 1 ('" +
                       excerpt(key) + "')");
    }
    if (key != "_id" && projection_truthy(value)) inclusive = true;
  }
  if (!inclusive) {
    for (const auto& field : excluded) projection[field] = 0;
    return projection;
  }
  Json kept = Json::object();
  bool asked = false;
  for (const auto& [key, value] : projection.items()) {
    if (auto field = overlapping(key, excluded)) {
      if (key.size() < field->size()) {  // "profile" would bring "profile.ssn" along
        throw ValueError("'fields' asks for '" + excerpt(key) + "', which holds '" + *field +
                         "', a field this collection does not return");
      }
      continue;  // the excluded field itself, or a part of it
    }
    kept[key] = value;
    if (key != "_id" && projection_truthy(value)) asked = true;
  }
  // Nothing legitimate left: an empty projection would return whole documents.
  return asked ? kept : Json{{"_id", 1}};
}

Json ModelQueryLambda::coerce_id_filter(const Json& filter) {
  if (!filter.is_object()) return filter;
  Json out = filter;
  if (out.contains("id") && !out.contains("_id")) {
    out["_id"] = out["id"];
    out.erase("id");
  }
  if (auto it = out.find("_id"); it != out.end()) *it = coerce_id_value(*it);
  for (const char* logical : {"$and", "$or", "$nor"}) {
    auto it = out.find(logical);
    if (it == out.end()) continue;
    if (!it->is_array())
      throw ValueError(std::string("'") + logical + "' must be a list of filters");
    for (auto& clause : *it) clause = coerce_id_filter(clause);
  }
  return out;
}

Json ModelQueryLambda::checked_pipeline(const Json& pipeline) const {
  auto allowed = allowed_collections();
  auto check_collection = [this, &allowed](const std::string& stage, const Json& name) {
    if (!name.is_string() ||
        std::find(allowed.begin(), allowed.end(), name.get<std::string>()) == allowed.end()) {
      throw ValueError(
          "Stage '" + stage + "' reads collection " +
          (name.is_string() ? "'" + excerpt(name.get<std::string>()) + "'" : "(not a name)") +
          ", which is not allowed. Allowed: " + joined(allowed));
    }
    if (!excluded_fields(name.get<std::string>()).empty()) {
      throw ValueError("Stage '" + stage + "' reads collection '" + name.get<std::string>() +
                       "', which hides fields, so no pipeline may read it");
    }
  };
  std::function<Json(const Json&, bool)> check = [&](const Json& stages, bool top) -> Json {
    if (!stages.is_array()) throw ValueError("'pipeline' must be a list of stages");
    Json out = Json::array();
    for (const auto& stage : stages) {
      if (!stage.is_object() || stage.size() != 1) {
        throw ValueError("Each pipeline stage must be an object with one operator");
      }
      const auto& name = stage.begin().key();
      const auto& spec = stage.begin().value();
      if (one_of(name, kWriting)) {
        throw ValueError("Pipeline stage '" + name + "' is not allowed (it writes)");
      }
      if (!one_of(name, kReadOnlyStages)) {
        throw ValueError("Pipeline stage '" + excerpt(name) +
                         "' is not allowed (only read-only stages are: " + joined(kReadOnlyStages) +
                         ")");
      }
      refuse_javascript(spec, "a pipeline");
      Json checked = stage;
      if (name == "$match") {
        checked[name] = coerce_id_filter(spec);
      } else if (name == "$lookup" || name == "$graphLookup") {
        if (!spec.is_object()) throw ValueError("'" + name + "' must be an object");
        check_collection(name, spec.value("from", Json()));
        if (spec.contains("pipeline")) checked[name]["pipeline"] = check(spec["pipeline"], false);
      } else if (name == "$unionWith") {
        if (spec.is_string()) {
          check_collection(name, spec);
        } else if (spec.is_object()) {
          check_collection(name, spec.value("coll", Json()));
          if (spec.contains("pipeline")) checked[name]["pipeline"] = check(spec["pipeline"], false);
        } else {
          throw ValueError("'$unionWith' must be a collection name or an object");
        }
      } else if (name == "$facet") {
        if (!spec.is_object()) throw ValueError("'$facet' must be an object");
        for (const auto& [facet, sub] : spec.items()) checked[name][facet] = check(sub, false);
      }
      out.push_back(std::move(checked));
    }
    if (top) out.push_back({{"$limit", max_limit()}});
    return out;
  };
  return check(pipeline, true);
}

void ModelQueryLambda::validate() {
  auto allowed = allowed_collections();
  if (allowed.empty()) {
    throw ConfigurationError("allowed_collections is not configured on this ModelQueryLambda");
  }
  const Json& request = data();
  if (!request.is_object()) throw ValueError("The payload must be an object");
  auto collection = request.find("collection");
  if (collection == request.end() || !collection->is_string() ||
      collection->get_ref<const std::string&>().empty()) {
    throw ValueError("'collection' is required and must be a string");
  }
  const auto& name = collection->get_ref<const std::string&>();
  if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
    throw ValueError("Collection '" + excerpt(name) +
                     "' is not allowed. Allowed: " + joined(allowed));
  }
  auto present = [&request](const char* key) {
    auto it = request.find(key);
    return it != request.end() && !it->is_null();
  };
  if (present("pipeline") && present("fields")) {
    throw ValueError("'fields' cannot be used together with 'pipeline'");
  }
  query_ = {{"collection", name}};
  check_database(request);
  check_exclusions(request, name);
  auto skip = non_negative(request, "skip");
  auto limit = non_negative(request, "limit");
  if (limit && *limit > max_limit()) {
    throw ValueError("'limit' " + std::to_string(*limit) + " is over the maximum of " +
                     std::to_string(max_limit()));
  }
  if (present("pipeline")) {
    query_["pipeline"] = checked_pipeline(request["pipeline"]);
    return;
  }
  Json filter = present("filter") ? request["filter"] : Json::object();
  if (!filter.is_object()) throw ValueError("'filter' must be an object");
  refuse_javascript(filter, "a filter");
  query_["filter"] = coerce_id_filter(filter);
  if (present("fields")) {
    if (!request["fields"].is_object()) throw ValueError("'fields' must be an object");
    // A projection takes aggregation expressions since MongoDB 4.4, $function included.
    refuse_javascript(request["fields"], "fields");
    query_["fields"] = request["fields"];
  }
  auto excluded = excluded_fields(name);
  if (!excluded.empty()) {
    refuse_excluded_in_filter(query_["filter"], excluded);
    query_["fields"] = enforce_exclusions(query_.value("fields", Json::object()), excluded);
  }
  query_["skip"] = skip.value_or(0);
  // 0 would mean "no limit" to MongoDB: the maximum applies when none (or 0) is given.
  query_["limit"] = limit && *limit > 0 ? *limit : max_limit();
}

void ModelQueryLambda::check_database(const Json& request) {
  auto it = request.find("database");
  if (it != request.end() && !it->is_null()) {
    if (!it->is_string()) throw ValueError("'database' must be a string");
    const auto& database = it->get_ref<const std::string&>();
    try {
      check_state_name(database);  // a valid database name, not admin, local or config
    } catch (const InvalidStateError& error) {
      std::string why = error.what();
      throw ValueError("Database" + why.substr(why.find(' ')));  // "State '...' is not valid: .."
    }
    auto allowed = allowed_databases();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), database) == allowed.end()) {
      throw ValueError("Database '" + excerpt(database) +
                       "' is not allowed. Allowed: " + joined(allowed));
    }
    query_["database"] = database;
  }
  auto service = request.find("service");
  if (service != request.end() && !service->is_null() && !service->is_string()) {
    throw ValueError("'service' must be a string");
  }
  logger().info("Model query on {}.{} for service {}",
                query_.value("database", session().state().value_or("")),
                query_["collection"].get<std::string>(),
                service != request.end() && service->is_string() ? service->get<std::string>()
                                                                 : std::string("(not given)"));
}

void ModelQueryLambda::check_exclusions(const Json& request, const std::string& collection) {
  // A pipeline can rename a field before any final $unset ($addFields, $replaceRoot,
  // $lookup): there is no honest way to keep a field out of one, so it is refused.
  auto pipeline = request.find("pipeline");
  if (pipeline != request.end() && !pipeline->is_null() && !excluded_fields(collection).empty()) {
    throw ValueError("Collection '" + collection +
                     "' hides fields, so it cannot be queried with a pipeline. Use 'filter' "
                     "instead.");
  }
}

Json ModelQueryLambda::process() {
  std::string database = query_.value("database", *session().state());
  auto collection = db()[database][query_["collection"].get<std::string>()];
  std::vector<Json> documents;
  if (query_.contains("pipeline")) {
    documents = collection.aggregate(query_["pipeline"]).to_list();
  } else {
    FindOptions options;
    if (query_.contains("fields")) options.projection = query_["fields"];
    options.skip = query_["skip"].get<std::int64_t>();
    options.limit = query_["limit"].get<std::int64_t>();
    documents = collection.find(query_["filter"], options).to_list();
  }
  return documents;
}

}  // namespace aws_helper
