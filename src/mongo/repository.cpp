#include <aws_helper/error.hpp>
#include <aws_helper/repository.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

namespace {

std::string key_value_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
      return std::to_string(static_cast<std::int64_t>(d));
    }
  }
  return dump_json(value);
}

// Key specs compare by field order and direction; 1 and 1.0 (and {"$numberLong": "1"}) agree.
bool same_keys(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object() || a.size() != b.size()) return false;
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end(); ++ia, ++ib) {
    if (ia.key() != ib.key()) return false;
    auto normalise = [](const Json& v) {
      if (v.is_object() && v.contains("$numberLong")) return v["$numberLong"].get<std::string>();
      return key_value_text(v);
    };
    if (normalise(ia.value()) != normalise(ib.value())) return false;
  }
  return true;
}

bool special_index(const Json& keys) {
  for (const auto& [field, direction] : keys.items()) {
    if (direction.is_string()) return true;  // "text", "2dsphere", "hashed", ...
  }
  return false;
}

}  // namespace

std::string IndexSpec::effective_name() const {
  if (!name.empty()) return name;
  std::string out;
  for (const auto& [field, direction] : keys.items()) {
    if (!out.empty()) out += '_';
    out += field + "_" + key_value_text(direction);
  }
  return out;
}

std::string Repository::database_name() const {
  if (auto key = database_key()) return *key;
  const auto& state = get_session().state();
  if (!state || state->empty()) {
    throw ValueError(collection_name() +
                     " repository: 'state' is required in session but not set. Set "
                     "database_key to a fixed value, or ensure session is initialized.");
  }
  return *state;
}

Cluster Repository::cluster() const {
  if (!is_external()) return MongoManager::cluster();
  auto name = cluster_name();
  if (!name || name->empty()) {
    throw ConfigurationError(collection_name() +
                             " repository: 'cluster_name' is required when is_external is true");
  }
  return MongoManager::external(*name);
}

Collection Repository::collection() const {
  return collection(database_name());
}

AuditPolicy Repository::audit_policy() const {
  return {
      .statuses = statuses(), .default_status = default_status(), .status_field = status_field()};
}

Collection Repository::collection(const std::string& database) const {
  Collection plain = cluster()[database][collection_name()];
  return audit() ? plain.audited(audit_policy()) : plain;
}

EnsureIndexesResult Repository::ensure_indexes(const std::optional<std::string>& database) const {
  EnsureIndexesResult result;
  result.database = database ? *database : database_name();
  Collection target = collection(result.database);
  for (const auto& spec : indexes()) {
    std::string name = spec.effective_name();
    try {
      result.created.push_back(target.create_index(spec));  // the one place indexes are built
    } catch (const std::exception& error) {
      result.failed.push_back({name, error.what()});
    }
  }
  return result;
}

PruneResult Repository::prune_orphan_indexes(const std::optional<std::string>& database,
                                             bool dry_run) const {
  PruneResult result;
  result.database = database ? *database : database_name();
  Collection target = collection(result.database);
  auto declared = indexes();
  for (const auto& index : target.list_indexes()) {
    const std::string name = index.value("name", std::string());
    if (name == "_id_" || !index.contains("key") || special_index(index["key"])) continue;
    bool wanted = false;
    for (const auto& spec : declared) wanted = wanted || same_keys(spec.keys, index["key"]);
    if (!wanted) result.orphans.push_back(name);
  }
  if (!dry_run) {
    for (const auto& name : result.orphans) target.drop_index(name);
    result.dropped = true;
  }
  return result;
}

}  // namespace aws_helper
