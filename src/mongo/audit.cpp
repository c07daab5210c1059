// The audit stamp (see audit.hpp): the same fields, order and rules as aws-python-helper's
// repository/audit.py, so a document is the same whichever language wrote it.
#include <chrono>

#include <fmt/format.h>

#include <aws_helper/audit.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

// The first of these variables set to something non-empty (Python: getenv(a) or getenv(b)).
std::optional<std::string> first_env(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto value = get_env(name);
    if (value && !value->empty()) return value;
  }
  return std::nullopt;
}

// str(user_id) in Python: an ObjectId is its hex text, a number its digits.
std::string id_text(const Json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_object() && id.size() == 1) {
    for (const char* wrapper : {"$oid", "$numberLong", "$numberInt", "$uuid"}) {
      if (auto it = id.find(wrapper); it != id.end() && it->is_string())
        return it->get<std::string>();
    }
  }
  if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
  if (id.is_number_unsigned()) return std::to_string(id.get<std::uint64_t>());
  return dump_json(id);
}

Json system_actor() {
  std::string service = first_env({"SERVICE_CODE", "NAMESPACE"}).value_or("constitution");
  std::string process =
      first_env({"PROCESS_NAME", "AWS_LAMBDA_FUNCTION_NAME", "TASK_NAME"}).value_or(service);
  return Json{{"type", "system"}, {"id", service}, {"name", process}};
}

Json field_or_null(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? Json() : *it;
}

void check_status(const Json& value, const AuditPolicy& policy) {
  if (policy.statuses.empty() || value.is_null()) return;
  if (value.is_string()) {
    for (const auto& allowed : policy.statuses) {
      if (value.get_ref<const std::string&>() == allowed) return;
    }
  }
  std::string shown = value.is_string() ? value.get<std::string>() : dump_json(value);
  std::string declared;
  for (const auto& allowed : policy.statuses) declared += (declared.empty() ? "" : ", ") + allowed;
  throw InvalidStatusError(fmt::format("'{}' is not a valid value for '{}'. Declared: {}", shown,
                                       policy.status_field, declared));
}

void set_default(Json& object, const std::string& key, const Json& value) {
  if (!object.contains(key)) object[key] = value;
}

// Whether an operator of `update` other than `operator_name` already writes `key`.
bool written_elsewhere(const Json& update, const std::string& key,
                       const std::string& operator_name) {
  for (const auto& [other, section] : update.items()) {
    if (other == operator_name || other.empty() || other[0] != '$' || !section.is_object())
      continue;
    for (const auto& [path, value] : section.items()) {
      if (detail::paths_overlap(path, key)) return true;
    }
  }
  return false;
}

// Adds each of `values` to update[operator] where neither that section nor another operator
// writes it already.
void merge_into(Json& update, const Json& values, const std::string& operator_name) {
  Json& section = update[operator_name];
  if (!section.is_object()) section = Json::object();
  for (const auto& [key, value] : values.items()) {
    if (section.contains(key) || written_elsewhere(update, key, operator_name)) continue;
    section[key] = value;
  }
}

bool has_operators(const Json& update) {
  for (const auto& [key, value] : update.items()) {
    if (!key.empty() && key[0] == '$') return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> AuditPolicy::initial_status() const {
  if (default_status) return default_status;
  if (statuses.empty()) return std::nullopt;
  return statuses.front();
}

Json current_actor() {
  const auto& user = get_session().user();
  if (!user || !user->is_object()) return system_actor();
  Json id = field_or_null(*user, "_id");
  if (detail::falsy(id)) id = field_or_null(*user, "id");
  if (detail::falsy(id)) id = field_or_null(*user, "user_id");
  if (detail::falsy(id)) return system_actor();
  std::string id_str = id_text(id);
  Json name = field_or_null(*user, "name");
  if (detail::falsy(name)) name = field_or_null(*user, "email");
  if (detail::falsy(name)) name = id_str;
  return Json{{"type", "user"}, {"id", id_str}, {"name", name}};
}

Json stamp_new(Json document, const AuditPolicy& policy) {
  if (!document.is_object()) return document;
  Json now = date(std::chrono::system_clock::now());
  Json who = current_actor();
  set_default(document, audit::kCreatedAt, now);
  set_default(document, audit::kUpdatedAt, now);
  set_default(document, audit::kCreatedBy, who);
  set_default(document, audit::kUpdatedBy, who);
  if (auto initial = policy.initial_status()) {
    set_default(document, policy.status_field, *initial);
    check_status(document[policy.status_field], policy);
  }
  return document;
}

Json stamp_update(Json update, bool upsert, const AuditPolicy& policy) {
  Json now = date(std::chrono::system_clock::now());
  Json who = current_actor();
  if (update.is_array()) {
    update.push_back(Json{{"$set", Json{{audit::kUpdatedAt, now}, {audit::kUpdatedBy, who}}}});
    return update;
  }
  if (!update.is_object()) return update;
  if (!update.empty() && !has_operators(update)) return stamp_new(std::move(update), policy);
  if (!policy.statuses.empty()) {
    for (const char* op : {"$set", "$setOnInsert"}) {
      auto section = update.find(op);
      if (section != update.end() && section->is_object() && section->contains(policy.status_field))
        check_status((*section)[policy.status_field], policy);
    }
  }
  merge_into(update, Json{{audit::kUpdatedAt, now}, {audit::kUpdatedBy, who}}, "$set");
  if (upsert) {
    Json born = {{audit::kCreatedAt, now}, {audit::kCreatedBy, who}};
    if (auto initial = policy.initial_status()) born[policy.status_field] = *initial;
    merge_into(update, born, "$setOnInsert");
    if (update["$setOnInsert"].empty()) update.erase("$setOnInsert");
  }
  if (update["$set"].empty()) update.erase("$set");
  return update;
}

Json public_audit(Json document) {
  if (!document.is_object()) return document;
  for (const char* field : {audit::kCreatedBy, audit::kUpdatedBy}) {
    auto it = document.find(field);
    if (it == document.end() || !it->is_object()) continue;
    Json type = it->contains("type") ? (*it)["type"] : Json("user");
    *it = Json{{"name", field_or_null(*it, "name")}, {"type", type}};
  }
  for (const char* field : {audit::kCreatedAt, audit::kUpdatedAt}) {
    auto it = document.find(field);
    if (it == document.end() || !it->is_object() || !it->contains("$date")) continue;
    *it = detail::python_isoformat(to_time_point(*it));
  }
  return document;
}

}  // namespace aws_helper
