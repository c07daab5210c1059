// StateValidator: is a session state an active tenant?
//
// `core.states` must hold {name: <state>} marked active, either way core has written it:
// `status: "active"` (Python 1.8.1 and later) or `is_active: true` (the seed). Valid states are
// cached for 300 s per process, invalid ones are asked again every time. Before the lookup the
// name itself is checked (check_state_name: a valid database name other than admin, local and
// config), since the state selects a database.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <aws_helper/json.hpp>

namespace aws_helper {

class StateValidator {
 public:
  // The filter that matches an active state document, as every state check uses it (the
  // validator, ModelIndexSyncLambda::active_states): {"$or": [{"status": "active"},
  // {"is_active": true}]}.
  [[nodiscard]] static Json active_filter();

  static constexpr std::chrono::seconds kCacheTtl{300};

  // Throws InvalidStateError ("State '<s>' is not valid or not active") or, when MongoDB
  // cannot be asked, the MongoDB error (MongoUnavailableError, ConfigurationError).
  static void validate(std::string_view state);
  static void clear_cache();

  // Where states are looked up: by default core.states through MongoManager. Replace it for
  // tests or local runs without MongoDB; nullptr restores the default. Clears the cache.
  using Lookup = std::function<bool(const std::string& state)>;
  static void set_lookup(Lookup lookup);
};

}  // namespace aws_helper
