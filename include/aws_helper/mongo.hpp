// MongoDB access: the seed's pattern db()["users_db"]["users"].find_one(...).
//
// One process-wide libmongoc instance and one client pool per cluster, created on first use
// and reused by every warm invocation (MongoDB's guidance for Lambda). Collection and Database
// are cheap handles: each operation borrows a client from the pool for its duration, so
// handles can be shared between threads. Documents are Json (see document.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <aws_helper/audit.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

// ---- errors ---------------------------------------------------------------------------------

// Any failure reported by the driver or the server; `code()` is the server's error code (or
// the driver's), `domain()` the driver's error domain.
class MongoError : public Error {
 public:
  MongoError(std::string type, const std::string& message, int status, std::uint32_t domain,
             std::uint32_t code)
      : Error(std::move(type), message, status), domain_(domain), code_(code) {}
  [[nodiscard]] std::uint32_t code() const noexcept { return code_; }
  [[nodiscard]] std::uint32_t domain() const noexcept { return domain_; }

 private:
  std::uint32_t domain_;
  std::uint32_t code_;
};

// E11000: a unique index refused the write. `key()` is the duplicate key as the server gave it.
class DuplicateKeyError : public MongoError {
 public:
  DuplicateKeyError(const std::string& message, std::uint32_t domain, std::uint32_t code,
                    std::string key)
      : MongoError("DuplicateKeyError", message, 409, domain, code), key_(std::move(key)) {}
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// No server could be reached in time (server selection, connection, socket errors). HTTP 503.
class MongoUnavailableError : public MongoError {
 public:
  MongoUnavailableError(const std::string& message, std::uint32_t domain, std::uint32_t code)
      : MongoError("MongoUnavailableError", message, 503, domain, code) {}
};

// The server refused a command (bad operator, unknown command, ...).
class MongoCommandError : public MongoError {
 public:
  MongoCommandError(const std::string& message, std::uint32_t domain, std::uint32_t code)
      : MongoError("MongoCommandError", message, 500, domain, code) {}
};

// ---- results and options --------------------------------------------------------------------

// Every member has a default initializer, so designated initializers may name any subset:
// find(filter, {.sort = {{"created_at", -1}}, .limit = 20}).
struct FindOptions {
  Json projection = nullptr;  // {"name": 1} ; null: whole documents
  Json sort = nullptr;        // {"created_at": -1} ; key order matters
  std::int64_t skip = 0;
  std::int64_t limit = 0;  // 0: no limit
  std::int32_t batch_size = 0;
};

struct FindOneAndUpdateOptions {
  Json projection = nullptr;
  Json sort = nullptr;
  bool upsert = false;
  bool return_new = false;  // false: the document as it was before the update (pymongo's default)
};

// An index definition (also what Repository::indexes() declares).
struct IndexSpec {
  // Every member has a default initializer, so designated initializers may name any subset.
  Json keys = Json::object();  // ordered: {"customer_id": 1, "created_at": -1}
  bool unique = false;
  bool sparse = false;
  std::optional<Json> partial_filter = std::nullopt;                // partialFilterExpression
  std::optional<std::int64_t> expire_after_seconds = std::nullopt;  // TTL
  std::string name = {};  // default: MongoDB's "customer_id_1_created_at_-1"

  // The name MongoDB gives these keys by default.
  [[nodiscard]] std::string effective_name() const;
};

struct InsertOneResult {
  Json inserted_id;
};
struct InsertManyResult {
  std::vector<Json> inserted_ids;
};
struct UpdateResult {
  std::int64_t matched_count = 0;
  std::int64_t modified_count = 0;
  std::optional<Json> upserted_id;
};
struct DeleteResult {
  std::int64_t deleted_count = 0;
};

// bulk_write operations, as pymongo's InsertOne, UpdateOne, ... request classes.
struct InsertOne {
  Json document;  // an ObjectId _id is added when it has none
};
struct UpdateOne {
  Json filter;
  Json update;  // operators ({"$set": ...}) or a pipeline
  bool upsert = false;
};
struct UpdateMany {
  Json filter;
  Json update;
  bool upsert = false;
};
struct ReplaceOne {
  Json filter;
  Json replacement;  // a whole document, no operators
  bool upsert = false;
};
struct DeleteOne {
  Json filter;
};
struct DeleteMany {
  Json filter;
};
using WriteOperation =
    std::variant<InsertOne, UpdateOne, UpdateMany, ReplaceOne, DeleteOne, DeleteMany>;

struct BulkWriteResult {
  std::int64_t inserted_count = 0;
  std::int64_t matched_count = 0;
  std::int64_t modified_count = 0;
  std::int64_t deleted_count = 0;
  std::int64_t upserted_count = 0;
  // Keyed by the operation's index in the list given to bulk_write.
  std::map<std::size_t, Json> inserted_ids;  // every InsertOne, applied or not
  std::map<std::size_t, Json> upserted_ids;
};

// A bulk write stopped (ordered) or finished (unordered) with failed writes. `write_errors()`
// holds the server's {"index", "code", "errmsg", ...} for each failed operation (index into the
// list given to bulk_write), `result()` the counts of what was applied. HTTP 409 when every
// failure is a duplicate key, 500 otherwise.
class BulkWriteError : public MongoError {
 public:
  BulkWriteError(const std::string& message, int status, std::uint32_t domain, std::uint32_t code,
                 Json write_errors, BulkWriteResult result)
      : MongoError("BulkWriteError", message, status, domain, code),
        write_errors_(std::move(write_errors)),
        result_(std::move(result)) {}
  [[nodiscard]] const Json& write_errors() const noexcept { return write_errors_; }
  [[nodiscard]] const BulkWriteResult& result() const noexcept { return result_; }

 private:
  Json write_errors_;
  BulkWriteResult result_;
};

namespace detail {
class Pool;
struct CursorState;
}  // namespace detail

// A server-side cursor. Iterate with next() or collect with to_list(). Holds a pooled client
// until destroyed.
class Cursor {
 public:
  explicit Cursor(std::unique_ptr<detail::CursorState> state);
  ~Cursor();
  Cursor(Cursor&&) noexcept;
  Cursor& operator=(Cursor&&) noexcept;

  // The next document, or nullopt at the end. Throws MongoError.
  std::optional<Json> next();
  // Up to `max` documents (0: all that remain).
  std::vector<Json> to_list(std::size_t max = 0);

 private:
  std::unique_ptr<detail::CursorState> state_;
};

class Collection {
 public:
  Collection(std::shared_ptr<detail::Pool> pool, std::string database, std::string name);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& database_name() const noexcept { return database_; }

  // The same collection with the audit stamp (audit.hpp) on insert_one, insert_many,
  // update_one, update_many, replace_one, find_one_and_update and find_one_and_replace;
  // bulk_write is left as given. Repository::collection() returns an audited collection.
  [[nodiscard]] Collection audited(AuditPolicy policy = {}) const;
  [[nodiscard]] Collection unaudited() const;
  // The policy writes are stamped with; nullptr when they are not.
  [[nodiscard]] const AuditPolicy* audit_policy() const noexcept { return audit_.get(); }

  Cursor find(const Json& filter = Json::object(), const FindOptions& options = {}) const;
  std::optional<Json> find_one(const Json& filter = Json::object(),
                               const FindOptions& options = {}) const;
  // Adds an ObjectId _id when the document has none; returns the _id.
  InsertOneResult insert_one(const Json& document) const;
  InsertManyResult insert_many(const std::vector<Json>& documents, bool ordered = true) const;
  UpdateResult update_one(const Json& filter, const Json& update, bool upsert = false) const;
  UpdateResult update_many(const Json& filter, const Json& update, bool upsert = false) const;
  UpdateResult replace_one(const Json& filter, const Json& replacement, bool upsert = false) const;
  DeleteResult delete_one(const Json& filter) const;
  DeleteResult delete_many(const Json& filter) const;
  std::int64_t count_documents(const Json& filter = Json::object()) const;
  Cursor aggregate(const Json& pipeline) const;
  // Sends the operations in as few round trips as the server allows. Ordered (the default)
  // stops at the first failure; unordered applies every operation it can. Throws
  // BulkWriteError (with the counts of what was applied) when any write failed, ValueError
  // for an empty list or a malformed operation (naming its index) before anything is sent.
  BulkWriteResult bulk_write(const std::vector<WriteOperation>& operations,
                             bool ordered = true) const;
  // The matched document before (or, with return_new, after) the update; nullopt when none
  // matched and no upsert happened.
  std::optional<Json> find_one_and_update(const Json& filter, const Json& update,
                                          const FindOneAndUpdateOptions& options = {}) const;
  // The same with a whole document (no update operators) in place of the matched one.
  std::optional<Json> find_one_and_replace(const Json& filter, const Json& replacement,
                                           const FindOneAndUpdateOptions& options = {}) const;
  // The distinct values of `key` among the documents matching `filter`.
  std::vector<Json> distinct(const std::string& key, const Json& filter = Json::object()) const;
  // Creates the index (identical existing ones are fine) and returns its name.
  std::string create_index(const IndexSpec& index) const;
  // The collection's indexes as the server describes them ({"v", "key", "name", ...}); empty
  // when the collection does not exist.
  std::vector<Json> list_indexes() const;
  void drop_index(const std::string& name) const;
  // Runs a command against this collection's database, e.g. {"distinct": name(), ...}.
  Json run_command(const Json& command) const;

 private:
  [[nodiscard]] Json stamped_new(const Json& document) const;
  [[nodiscard]] Json stamped_update(const Json& update, bool upsert) const;

  std::shared_ptr<detail::Pool> pool_;
  std::string database_;
  std::string name_;
  std::shared_ptr<const AuditPolicy> audit_;
};

class Database {
 public:
  Database(std::shared_ptr<detail::Pool> pool, std::string name);
  [[nodiscard]] Collection operator[](std::string_view collection) const;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  Json run_command(const Json& command) const;

 private:
  std::shared_ptr<detail::Pool> pool_;
  std::string name_;
};

// One cluster: a client pool, shared by every copy (copies are cheap and keep the pool alive,
// so a Cluster, Database or Collection stays valid across MongoManager::reset()).
class Cluster {
 public:
  explicit Cluster(const std::string& connection_string);
  [[nodiscard]] Database operator[](std::string_view database) const;
  // {"ping": 1} against admin; false when the cluster cannot be reached.
  [[nodiscard]] bool ping() const;
  // The same pool (MongoManager hands out copies of one Cluster until reset()).
  [[nodiscard]] bool operator==(const Cluster& other) const noexcept {
    return pool_ == other.pool_;
  }

 private:
  std::shared_ptr<detail::Pool> pool_;
};

// The process-wide connections, configured from the environment (see mongo_config.hpp).
class MongoManager {
 public:
  // Creates the main cluster's pool from the environment, once. Throws ConfigurationError
  // when MongoDB is not configured. Safe to call from several threads.
  static void initialize();
  // Uses this connection string instead of the environment (tests, local runs). Replaces any
  // earlier configuration.
  static void initialize(const std::string& connection_string);
  [[nodiscard]] static bool is_initialized();
  // The main cluster (initialising it on first use). By value: a copy shares the pool and
  // outlives a later initialize() or reset(), which only stop handing this pool out.
  [[nodiscard]] static Cluster cluster();
  [[nodiscard]] static Database get_database(std::string_view name);
  // An external cluster from EXTERNAL_MONGODB_CONNECTIONS; ConfigurationError naming the
  // known ones when `name` is not among them.
  [[nodiscard]] static Cluster external(std::string_view name);
  [[nodiscard]] static std::vector<std::string> external_names();
  // Forgets every pool (tests).
  static void reset();
};

// db()["users_db"]["users"]: the main cluster.
[[nodiscard]] inline Cluster db() {
  return MongoManager::cluster();
}

// external_db()["ClusterDockets"]["smart_data"]["addresses"].
struct ExternalClusters {
  [[nodiscard]] Cluster operator[](std::string_view name) const {
    return MongoManager::external(name);
  }
};
[[nodiscard]] inline ExternalClusters external_db() {
  return {};
}

}  // namespace aws_helper
