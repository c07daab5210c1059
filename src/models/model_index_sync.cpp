#include <aws_helper/model_index_sync.hpp>
#include <aws_helper/pool.hpp>
#include <aws_helper/state_validator.hpp>

#include "core/text.hpp"

namespace aws_helper {
namespace {

// "OrdersRepository" for the dynamic type of `repository`.
std::string class_name(const Repository& repository) {
  std::string name = detail::type_name(typeid(repository));
  if (auto colon = name.rfind("::"); colon != std::string::npos) name.erase(0, colon + 2);
  return name;
}

struct Unit {
  std::size_t repository = 0;  // index into the factories
  std::string name;
  std::string collection;
  std::string database;  // empty: refused before running (error below)
  std::string error;
};

// One unit per (repository, database): a state-scoped repository once per active state (read
// once, when the first one needs them; a failure there fails the invocation), a repository with a
// fixed database once. A repository that cannot be constructed, or an external one without a
// database, is one failed unit; the others go on.
std::vector<Unit> plan_units(const std::vector<RepositoryFactory>& factories,
                             const std::function<std::vector<std::string>()>& active_states) {
  std::vector<Unit> units;
  std::optional<std::vector<std::string>> states;  // read once, when a repository needs them
  for (std::size_t i = 0; i < factories.size(); ++i) {
    Unit unit;
    unit.repository = i;
    std::optional<std::string> key;
    bool external = false;
    try {
      auto repository = factories[i]();
      unit.name = class_name(*repository);
      unit.collection = repository->collection_name();
      key = repository->database_key();
      external = repository->is_external();
    } catch (const std::exception& error) {
      // A repository that cannot even be constructed is one failed unit; the others go on.
      if (unit.name.empty()) unit.name = "repository #" + std::to_string(i + 1);
      unit.error = error.what();
      units.push_back(unit);
      continue;
    }
    if (key) {
      unit.database = *key;
      units.push_back(unit);
    } else if (external) {
      unit.error = "external repository " + unit.name +
                   " names no database (database_key); it cannot be synced per state";
      units.push_back(unit);
    } else {
      if (!states) states = active_states();
      for (const auto& state : *states) {
        unit.database = state;
        units.push_back(unit);
      }
    }
  }
  return units;
}

// Ensures one unit's indexes, then prunes its orphans (only when every declared index is there).
Json sync_unit(const RepositoryFactory& factory, const Unit& unit, bool dry_run) {
  Json result = {{"repository", unit.name},
                 {"database", unit.database.empty() ? Json() : Json(unit.database)},
                 {"collection", unit.collection},
                 {"indexes", Json::array()},
                 {"orphan_indexes", Json::array()},
                 {"orphan_indexes_dropped", Json::array()},
                 {"success", false}};
  if (!unit.error.empty()) {
    result["error"] = unit.error;
    return result;
  }
  try {
    auto repository = factory();
    auto ensured = repository->ensure_indexes(unit.database);
    result["indexes"] = ensured.created;
    if (!ensured.ok()) {
      std::string error;
      for (const auto& failure : ensured.failed) {
        error += (error.empty() ? "" : "; ") + failure.name + ": " + failure.error;
      }
      result["error"] = "index creation failed: " + error;
      return result;  // no pruning while the declared indexes are not all there
    }
    auto pruned = repository->prune_orphan_indexes(unit.database, dry_run);
    result["orphan_indexes"] = pruned.orphans;
    if (pruned.dropped) result["orphan_indexes_dropped"] = pruned.orphans;
    result["success"] = true;
  } catch (const std::exception& error) {
    result["error"] = error.what();
  }
  return result;
}

}  // namespace

void ModelIndexSyncLambda::validate() {
  if (repositories().empty()) {
    throw ConfigurationError("repositories is not configured on this ModelIndexSyncLambda");
  }
  if (auto dry_run = data().find("dry_run"); data().is_object() && dry_run != data().end() &&
                                             !dry_run->is_boolean() && !dry_run->is_null()) {
    throw ValueError("'dry_run' must be true or false");
  }
}

std::vector<std::string> ModelIndexSyncLambda::active_states() const {
  std::vector<std::string> states;
  FindOptions options;
  options.projection = {{"name", 1}, {"_id", 0}};
  for (const auto& doc : db()[states_database()][states_collection()]
                             .find(StateValidator::active_filter(), options)
                             .to_list()) {
    if (auto name = doc.find("name");
        name != doc.end() && name->is_string() && !name->get_ref<const std::string&>().empty()) {
      states.push_back(name->get<std::string>());
    }
  }
  return states;
}

Json ModelIndexSyncLambda::process() {
  auto flag = data().is_object() ? data().find("dry_run") : data().end();
  const bool dry_run =
      data().is_object() && flag != data().end() && flag->is_boolean() && flag->get<bool>();
  auto factories = repositories();
  auto units = plan_units(factories, [this] { return active_states(); });

  std::vector<std::function<Json()>> tasks;
  tasks.reserve(units.size());
  for (const auto& unit : units) {
    tasks.emplace_back([&factories, &unit, dry_run] {
      return sync_unit(factories[unit.repository], unit, dry_run);
    });
  }
  auto results = gather(std::move(tasks), max_concurrency());

  std::size_t failed = 0;
  for (const auto& result : results) failed += result["success"].get<bool>() ? 0 : 1;
  if (failed > 0) {
    report_failure(std::to_string(failed) + " of " + std::to_string(results.size()) +
                       " index sync units failed",
                   "IndexSyncFailed");
  }
  logger().info("Index sync: {} units, {} failed{}", results.size(), failed,
                dry_run ? " (dry run)" : "");
  return {{"summary",
           {{"total", results.size()}, {"succeeded", results.size() - failed}, {"failed", failed}}},
          {"dry_run", dry_run},
          {"results", results}};
}

}  // namespace aws_helper
