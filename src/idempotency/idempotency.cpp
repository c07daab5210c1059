#include <array>
#include <mutex>
#include <random>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <aws_helper/deadline.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper::idempotency {
namespace {

constexpr std::string_view kInProgress = "IN_PROGRESS";
constexpr std::string_view kCompleted = "COMPLETED";
// A record can vanish between the refused insert and the read (its run failed and released
// it): the claim is tried again this many times before giving up as "in progress".
constexpr int kClaimAttempts = 3;

const Logger& logger() {
  static const Logger instance{"aws_helper.idempotency"};
  return instance;
}

using detail::hex;

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw Error("IdempotencyError", "SHA-256 failed");
  }
  return hex(digest.data(), size);
}

std::string random_token() {
  std::random_device device;
  std::array<unsigned char, 16> bytes{};
  for (auto& byte : bytes) byte = static_cast<unsigned char>(device());
  return hex(bytes.data(), bytes.size());
}

std::string collection_name(const IdempotencyConfig& config) {
  if (!config.collection.empty()) return config.collection;
  auto configured = get_env_or("IDEMPOTENCY_COLLECTION", "");
  if (!configured.empty()) return configured;
  auto service = get_env_or("SERVICE_NAME", "");
  return service.empty() ? "idempotency" : service + "_idempotency";
}

std::string database_name(const IdempotencyConfig& config) {
  if (!config.database.empty()) return config.database;
  if (const auto& state = get_session().state(); state && !state->empty()) return *state;
  auto configured = get_env_or("IDEMPOTENCY_DB_NAME", "");
  return configured.empty() ? "idempotency" : configured;
}

// The TTL index, once per process and collection. FerretDB 1.x refuses TTL indexes: that is
// logged once, and expiry is still enforced by claim()'s filter (docs/idempotency.md).
void ensure_ttl_index(const Collection& collection) {
  static std::mutex mutex;
  static std::set<std::string> done;
  std::string name = collection.database_name() + "." + collection.name();
  {
    std::lock_guard lock(mutex);
    if (!done.insert(name).second) return;
  }
  try {
    collection.create_index(
        {.keys = {{"expires_at", 1}}, .expire_after_seconds = 0, .name = "expires_at_ttl"});
  } catch (const std::exception& error) {
    logger().warn(
        "No TTL index on {}: {}; expired records stay until a repeat takes them over (expiry is "
        "checked on every claim)",
        name, error.what());
  }
}

// A JSON Pointer from the config, or nullopt when it is not one.
std::optional<Json::json_pointer> pointer(const std::string& text) {
  try {
    return Json::json_pointer(text);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string hash(const Json& value) {
  // nlohmann::json keeps object keys sorted; ordered_json keeps them as they came.
  auto text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto canonical = nlohmann::json::parse(text);
  return sha256_hex(canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<Json> key_material(const IdempotencyConfig& config, const Json& payload) {
  if (config.key.empty()) {
    if (payload.is_null()) return std::nullopt;
    return payload;
  }
  Json values = Json::array();
  for (const auto& text : config.key) {
    auto path = pointer(text);
    if (!path || !payload.contains(*path)) return std::nullopt;
    const Json& value = payload.at(*path);
    if (value.is_null()) return std::nullopt;
    values.push_back(value);
  }
  return values;
}

Collection store_for(const IdempotencyConfig& config) {
  auto collection = db()[database_name(config)][collection_name(config)].unaudited();
  ensure_ttl_index(collection);
  return collection;
}

Record::Record(IdempotencyConfig config, std::string_view scope, const std::optional<Json>& key,
               const Json& payload)
    : config_(std::move(config)), collection_(store_for(config_)) {
  if (!key) {
    if (config_.raise_on_missing_key) {
      throw IdempotencyKeyError(
          "The payload has no idempotency key (" +
          (config_.key.empty() ? std::string("empty payload") : Json(config_.key).dump()) + ")");
    }
    logger().warn("{}: no idempotency key in the payload; processing it without idempotency",
                  scope);
    enabled_ = false;
    return;
  }
  // The state is part of the key: one fixed database may serve every state.
  const auto& state = get_session().state();
  id_ = std::string(scope) + "#" + hash(Json::array({state ? Json(*state) : Json(nullptr), *key}));
  payload_hash_ = hash(payload);
  token_ = random_token();
  in_progress_for_ = config_.in_progress_expires_after;
  if (in_progress_for_.count() <= 0) {
    auto time_left = aws_helper::time_left();
    in_progress_for_ = time_left && time_left->count() > 0
                           ? std::chrono::ceil<std::chrono::seconds>(*time_left)
                           : std::chrono::seconds(std::chrono::minutes(15));
  }
}

std::chrono::system_clock::time_point Record::now() const {
  return config_.clock ? config_.clock() : std::chrono::system_clock::now();
}

namespace {

// The record's expiry has passed, or it is in progress and its in-progress expiry has.
bool expired(const Json& record, std::chrono::system_clock::time_point at) {
  auto passed = [&](const char* field) {
    auto it = record.find(field);
    return it != record.end() && !it->is_null() && to_time_point(*it) < at;
  };
  return passed("expires_at") ||
         (record.value("status", "") == kInProgress && passed("in_progress_expires_at"));
}

}  // namespace

Record::Outcome Record::claim() {
  if (!enabled_) return Outcome::disabled;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    auto at = now();
    Json fields = {{"status", kInProgress},
                   {"payload_hash", payload_hash_},
                   {"token", token_},
                   {"created_at", date(at)},
                   {"expires_at", date(at + config_.expires_after)},
                   {"in_progress_expires_at", date(at + in_progress_for_)}};
    // The insert is the claim: of concurrent duplicates, the unique _id lets exactly one in.
    try {
      Json record = {{"_id", id_}};
      record.update(fields);
      static_cast<void>(collection_.insert_one(record));
      claimed_ = true;
      return Outcome::run;
    } catch (const DuplicateKeyError&) {
      // The key is held: read what holds it.
    }
    auto existing = collection_.find_one({{"_id", id_}});
    if (!existing) continue;  // released meanwhile: try again
    if (expired(*existing, at)) {
      // Take over a crashed run's (or an expired result's) record: compare-and-set on the
      // token it had, so of several repeats arriving together exactly one takes it.
      auto taken = collection_.update_one(
          {{"_id", id_}, {"token", existing->value("token", Json(nullptr))}},
          {{"$set", fields}, {"$unset", {{"result", ""}, {"completed_at", ""}}}});
      if (taken.matched_count == 0) continue;  // another repeat took it first: read again
      logger().info("Took over the expired record {}", id_);
      claimed_ = true;
      return Outcome::run;
    }
    if (existing->value("payload_hash", "") != payload_hash_) {
      throw IdempotencyKeyMismatchError(
          "This idempotency key was already used with a different payload");
    }
    if (existing->value("status", "") == kCompleted) {
      auto stored = existing->find("result");
      stored_ = stored != existing->end() && stored->is_string() ? stored->get<std::string>()
                                                                 : std::string("null");
      return Outcome::replay;
    }
    throw IdempotencyAlreadyInProgressError(
        "A request with this idempotency key is already in progress");
  }
  throw IdempotencyAlreadyInProgressError(
      "A request with this idempotency key is already in progress");
}

void Record::complete(const std::string& result) noexcept {
  if (!claimed_) return;
  claimed_ = false;
  try {
    auto at = now();
    auto updated =
        collection_.update_one({{"_id", id_}, {"token", token_}, {"status", kInProgress}},
                               {{"$set",
                                 {{"status", kCompleted},
                                  {"result", result},
                                  {"completed_at", date(at)},
                                  {"expires_at", date(at + config_.expires_after)}}},
                                {"$unset", {{"in_progress_expires_at", ""}}}});
    if (updated.matched_count == 0) {
      logger().warn("The record {} was taken over by another run before this one finished", id_);
    }
  } catch (const std::exception& error) {
    logger().error(
        "Could not store the result of {}: {}; a repeat after its in-progress expiry "
        "runs again",
        id_, error.what());
  }
}

void Record::release() noexcept {
  if (!claimed_) return;
  claimed_ = false;
  try {
    collection_.delete_one({{"_id", id_}, {"token", token_}, {"status", kInProgress}});
  } catch (const std::exception& error) {
    // The record stays IN_PROGRESS until its in-progress expiry; then a retry takes it over.
    logger().error("Could not release the idempotency record {}: {}", id_, error.what());
  }
}

}  // namespace aws_helper::idempotency
