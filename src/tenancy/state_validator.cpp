#include <map>
#include <mutex>

#include <aws_helper/error.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/state_validator.hpp>

namespace aws_helper {

namespace {

struct State {
  std::mutex mutex;
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> valid_until;
  StateValidator::Lookup lookup;
};

State& state() {
  static State instance;
  return instance;
}

bool lookup_in_core(const std::string& name) {
  Json filter = StateValidator::active_filter();
  filter["name"] = name;
  return MongoManager::get_database("core")["states"].find_one(filter).has_value();
}

}  // namespace

Json StateValidator::active_filter() {
  return {{"$or", Json::array({{{"status", "active"}}, {{"is_active", true}}})}};
}

void StateValidator::validate(std::string_view name) {
  check_state_name(name);
  auto& s = state();
  auto now = std::chrono::steady_clock::now();
  Lookup lookup;
  {
    std::lock_guard lock(s.mutex);
    if (auto it = s.valid_until.find(name); it != s.valid_until.end()) {
      if (it->second > now) return;
      s.valid_until.erase(it);
    }
    lookup = s.lookup;
  }
  std::string key(name);
  bool active = lookup ? lookup(key) : lookup_in_core(key);
  if (!active) throw InvalidStateError("State '" + key + "' is not valid or not active");
  std::lock_guard lock(s.mutex);
  s.valid_until[key] = now + kCacheTtl;
}

void StateValidator::clear_cache() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.valid_until.clear();
}

void StateValidator::set_lookup(Lookup lookup) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.lookup = std::move(lookup);
  s.valid_until.clear();
}

}  // namespace aws_helper
