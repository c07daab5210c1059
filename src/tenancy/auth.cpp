#include <algorithm>
#include <chrono>

#include <aws_helper/auth.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"
#include "tenancy/bypass.hpp"

namespace aws_helper {

namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.auth"};
  return instance;
}

std::string id_text(const Json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (is_object_id(id)) return id["$oid"].get<std::string>();
  return serialize_mongo_types(id).dump();
}

}  // namespace

AuthMode auth_mode_from_env() {
  std::string mode = detail::lower(detail::trim(get_env_or("AUTHORIZATION", "")));
  if (mode.empty() || mode == "none") return AuthMode::none;
  if (mode == "user") return AuthMode::user;
  if (mode == "state") return AuthMode::state;
  if (mode == "full") return AuthMode::full;
  if (mode == "permission") return AuthMode::permission;
  // Fail closed: a typo must never mean "no authentication". The value is not echoed (it is
  // configuration, but it may be a secret pasted into the wrong variable).
  throw ConfigurationError(
      "AUTHORIZATION is not a known mode; accepted: user, state, full, permission, or none (also: "
      "unset or empty)");
}

AuthStrategy auth_strategy_from_env() {
  std::string strategy = detail::lower(detail::trim(get_env_or("AUTH_STRATEGY", "")));
  if (strategy.empty() || strategy == "db") return AuthStrategy::db;
  if (strategy == "jwt") return AuthStrategy::jwt;
  throw ConfigurationError("AUTH_STRATEGY is not a known strategy; accepted: db, jwt (or unset)");
}

bool requires_state_from_env() {
  std::string value = detail::lower(detail::trim(get_env_or("REQUIRES_STATE", "")));
  if (value == "1" || value == "true" || value == "yes") return true;
  if (value.empty() || value == "0" || value == "false" || value == "no") return false;
  throw ConfigurationError("REQUIRES_STATE must be 1/true/yes or 0/false/no (or unset)");
}

std::string TokenValidator::token_from_header(const std::optional<std::string>& header) {
  std::string_view value = header ? std::string_view(*header) : std::string_view();
  value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
  if (value.empty()) throw UnauthorizedError("Authorization header is required");
  constexpr std::string_view scheme = "bearer ";
  if (value.size() < scheme.size() || !detail::iequals(value.substr(0, scheme.size()), scheme)) {
    throw UnauthorizedError("Authorization header must use Bearer scheme");
  }
  value = detail::trim(value.substr(scheme.size()));
  if (value.empty()) throw UnauthorizedError("Token cannot be empty");
  return std::string(value);
}

Json TokenValidator::validate_token(std::string_view token) {
  if (auto bypass = detail::bypass_identity(token)) return std::move(*bypass);
  // As Python 1.1 and later: the tokens live in core unless AUTH_DB_NAME says otherwise.
  std::string database(detail::trim(get_env_or("AUTH_DB_NAME", "")));  // a copy: trim views
  if (database.empty()) database = "core";
  auto db = MongoManager::get_database(database);
  auto token_doc = db["tokens"].find_one({{"token", token}, {"is_active", true}});
  if (!token_doc) throw UnauthorizedError("Invalid or revoked token");

  if (auto expires = token_doc->find("expires_at");
      expires != token_doc->end() && !expires->is_null()) {
    std::chrono::system_clock::time_point when;
    try {
      when = to_time_point(*expires);
    } catch (const ValueError&) {
      logger().warn("Token {} has an expires_at that is not a date; refused",
                    id_text(token_doc->value("_id", Json())));
      throw UnauthorizedError("Token has expired");
    }
    if (when < std::chrono::system_clock::now()) throw UnauthorizedError("Token has expired");
  }

  Json user_id = token_doc->value("user_id", Json());
  auto user = user_id.is_null() ? std::nullopt : db["users"].find_one({{"_id", user_id}});
  if (!user) throw UnauthorizedError("User not found");
  if (auto active = user->find("is_active"); active != user->end() && detail::falsy(*active)) {
    throw UnauthorizedError("User account is inactive");
  }

  try {
    db["tokens"].update_one({{"_id", (*token_doc)["_id"]}},
                            {{"$set", {{"last_used_at", date(std::chrono::system_clock::now())}}}});
  } catch (const std::exception& error) {
    logger().warn("Could not update the token's last_used_at: {}", error.what());
  }

  return {{"user_id", id_text(user_id)},
          {"user", strip_sensitive_fields(std::move(*user))},
          {"token_data", *token_doc},
          {"is_bypass", false}};
}

}  // namespace aws_helper
