// Repository: a collection, its database chosen per tenant, and its indexes.
//
//   class OrdersRepository : public aws_helper::Repository {
//    public:
//     std::string collection_name() const override { return "orders"; }
//     std::vector<aws_helper::IndexSpec> indexes() const override {
//       return {{.keys = {{"customer_id", 1}, {"created_at", -1}}},
//               {.keys = {{"number", 1}}, .unique = true}};
//     }
//   };
//
// With no database_key the database is the current session's state, so one repository
// instance serves every tenant: two threads with different states reach different databases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <aws_helper/audit.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

namespace aws_helper {

struct IndexFailure {
  std::string name;
  std::string error;
};

struct EnsureIndexesResult {
  std::string database;
  std::vector<std::string> created;  // names (already existing identical indexes included)
  std::vector<IndexFailure> failed;
  [[nodiscard]] bool ok() const noexcept { return failed.empty(); }
};

struct PruneResult {
  std::string database;
  std::vector<std::string> orphans;  // present in MongoDB, not declared (never _id_)
  bool dropped = false;              // false in a dry run
};

class Repository {
 public:
  Repository() = default;
  virtual ~Repository() = default;

  [[nodiscard]] virtual std::string collection_name() const = 0;
  // A fixed database; nullopt: the current session's state.
  [[nodiscard]] virtual std::optional<std::string> database_key() const { return std::nullopt; }
  // On an external cluster (EXTERNAL_MONGODB_CONNECTIONS) named by cluster_name().
  [[nodiscard]] virtual bool is_external() const { return false; }
  [[nodiscard]] virtual std::optional<std::string> cluster_name() const { return std::nullopt; }
  [[nodiscard]] virtual std::vector<IndexSpec> indexes() const { return {}; }

  // The audit stamp on every write through collection() (audit.hpp). Off only where it is
  // noise: collections that already are a log of who did what, raw data written in bulk.
  [[nodiscard]] virtual bool audit() const { return true; }
  // The values the record's status may take (default active, inactive); empty: no status.
  [[nodiscard]] virtual std::vector<std::string> statuses() const {
    return {audit::kActive, audit::kInactive};
  }
  // What a new record gets; nullopt: the first of statuses().
  [[nodiscard]] virtual std::optional<std::string> default_status() const { return std::nullopt; }
  // Where the status is written (e.g. "lifecycle_status" when `status` is the data's own).
  [[nodiscard]] virtual std::string status_field() const { return audit::kStatus; }
  // The policy collection() stamps with: statuses(), default_status(), status_field().
  [[nodiscard]] AuditPolicy audit_policy() const;

  // database_key(), or the session state; ValueError naming the class hook when neither is set.
  [[nodiscard]] std::string database_name() const;
  // The collection in database_name() (or `database`), audited unless audit() is false.
  [[nodiscard]] Collection collection() const;
  [[nodiscard]] Collection collection(const std::string& database) const;

  // Creates every declared index in `database` (default database_name()), in order. Failures
  // are reported per index, never swallowed; the other indexes are still created.
  EnsureIndexesResult ensure_indexes(const std::optional<std::string>& database = {}) const;
  // Indexes present but no longer declared (matched by key spec); dropped unless dry_run.
  // `_id_` and text, geo and hashed indexes are never touched.
  PruneResult prune_orphan_indexes(const std::optional<std::string>& database = {},
                                   bool dry_run = true) const;

 private:
  [[nodiscard]] Cluster cluster() const;
};

}  // namespace aws_helper
