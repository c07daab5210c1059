// Database and Cluster (cheap handles on a shared pool) and MongoManager, the process-wide
// registry of the main and external clusters.
#include <map>
#include <mutex>
#include <optional>

#include <aws_helper/mongo.hpp>
#include <aws_helper/mongo_config.hpp>

#include "document/bson_convert.hpp"
#include "mongo/client_pool.hpp"
#include "mongo/driver.hpp"
#include "mongo/error_mapping.hpp"

namespace aws_helper {

// ---- Database, Cluster ----------------------------------------------------------------------

Database::Database(std::shared_ptr<detail::Pool> pool, std::string name)
    : pool_(std::move(pool)), name_(std::move(name)) {}

Collection Database::operator[](std::string_view collection) const {
  return Collection(pool_, name_, std::string(collection));
}

Json Database::run_command(const Json& command) const {
  mongo::BsonPtr cmd = mongo::to_bson(command);
  detail::Lease lease(pool_);
  mongo::Reply reply;
  bson_error_t error;
  if (!mongo::driver::api().client_command_with_opts(lease.get(), name_.c_str(), cmd.get(), nullptr,
                                                     nullptr, reply.get(), &error)) {
    mongo::raise(error, reply);
  }
  return reply.json();
}

Cluster::Cluster(const std::string& connection_string)
    : pool_(std::make_shared<detail::Pool>(connection_string)) {}

Database Cluster::operator[](std::string_view database) const {
  return Database(pool_, std::string(database));
}

bool Cluster::ping() const {
  try {
    (void)Database(pool_, "admin").run_command({{"ping", 1}});
    return true;
  } catch (const MongoError&) {
    return false;
  }
}

// ---- MongoManager ---------------------------------------------------------------------------

namespace {
struct Registry {
  std::mutex mutex;
  std::optional<Cluster> main;
  std::map<std::string, Cluster, std::less<>> external;
  std::optional<std::vector<mongo::ExternalCluster>> external_config;
};

Registry& registry() {
  static Registry instance;
  return instance;
}
}  // namespace

void MongoManager::initialize() {
  static_cast<void>(cluster());  // makes the main cluster once, from the environment
}

void MongoManager::initialize(const std::string& connection_string) {
  auto& r = registry();
  Cluster cluster(connection_string);
  std::lock_guard lock(r.mutex);
  r.main = std::move(cluster);
}

bool MongoManager::is_initialized() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  return r.main.has_value();
}

Cluster MongoManager::cluster() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (!r.main) r.main.emplace(mongo::connection_string_from_env());
  return *r.main;
}

Database MongoManager::get_database(std::string_view name) {
  return cluster()[name];
}

std::vector<std::string> MongoManager::external_names() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (!r.external_config) r.external_config = mongo::external_clusters_from_env();
  std::vector<std::string> names;
  for (const auto& cluster : *r.external_config) names.push_back(cluster.name);
  return names;
}

Cluster MongoManager::external(std::string_view name) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (auto it = r.external.find(name); it != r.external.end()) return it->second;
  if (!r.external_config) r.external_config = mongo::external_clusters_from_env();
  for (const auto& cluster : *r.external_config) {
    if (cluster.name == name) {
      return r.external.try_emplace(cluster.name, cluster.connection_string).first->second;
    }
  }
  std::string known;
  for (const auto& cluster : *r.external_config)
    known += (known.empty() ? "" : ", ") + cluster.name;
  throw ConfigurationError("External MongoDB cluster '" + std::string(name) +
                           "' not configured. Available clusters: [" + known + "]");
}

void MongoManager::reset() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  r.main.reset();
  r.external.clear();
  r.external_config.reset();
}

}  // namespace aws_helper
