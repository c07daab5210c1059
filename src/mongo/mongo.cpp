#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <type_traits>

#include <mongoc/mongoc.h>

#include <aws_helper/deadline.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/mongo_config.hpp>

#include "core/ca_bundle.hpp"
#include "document/bson_convert.hpp"

namespace aws_helper {

namespace detail {

// libmongoc's own messages go through the framework's logger instead of raw stderr. Driver
// warnings are mostly noise for a service (e.g. FerretDB has no endSessions); failures reach
// the caller as exceptions, so they are logged at debug level, errors at error level.
void route_driver_logs() {
  mongoc_log_set_handler(
      [](mongoc_log_level_t level, const char* domain, const char* message, void*) {
        static const Logger logger{"mongoc"};
        LogLevel ours = LogLevel::trace;
        if (level <= MONGOC_LOG_LEVEL_ERROR) {
          ours = LogLevel::error;
        } else if (level <= MONGOC_LOG_LEVEL_INFO) {
          ours = LogLevel::debug;
        }
        if (log::enabled(ours))
          log::write(ours, logger.name(), std::string(domain) + ": " + message);
      },
      nullptr);
}

// The socket timeout when the URI sets none: a reply that has not come in 10 s is a hung
// server for an API (API Gateway gives up at 29 s), not a slow query.
constexpr std::int32_t kDefaultSocketTimeoutMs = 10000;
// What an operation needs at least to be worth starting before the deadline.
constexpr std::chrono::milliseconds kDeadlineMargin{100};

// One client pool. libmongoc is initialised once per process, before the first pool. The
// connection string is checked at once (a bad one fails the start); the driver's pool is made
// at the first operation, when the deadline of the invocation is known (see socket_timeout()).
struct Pool {
  mongoc_uri_t* uri = nullptr;
  mongoc_client_pool_t* pool_ = nullptr;
  std::once_flag made;
  std::set<std::string, std::less<>> user_set;  // the timeouts the connection string sets

  // The waits of every operation, set when the driver's pool is made (the first operation):
  //   socketTimeoutMS           a reply (a stopped process, a black-holed route): else 10 s
  //                             instead of the driver's 5 minutes;
  //   serverSelectionTimeoutMS  finding a server that answers (5 s by with_lambda_defaults);
  //   connectTimeoutMS          a connection and its handshake (5 s, likewise).
  // What the URI sets itself is kept. The defaults shrink inside an invocation with less time
  // in all: the first operation's time left measures the function's timeout (every invocation
  // of a container has the same), and each wait gets half of it, because the driver retries a
  // read once after a network error — a reply's wait, then a server's, both before Lambda's
  // deadline, so the caller gets the typed error and not a timeout.
  void set_timeouts() {
    std::optional<std::chrono::milliseconds> half;
    if (auto left = time_left()) half = (*left - 2 * kDeadlineMargin) / 2;
    for (auto [key, fallback] : {std::pair{MONGOC_URI_SOCKETTIMEOUTMS, kDefaultSocketTimeoutMs},
                                 std::pair{MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000},
                                 std::pair{MONGOC_URI_CONNECTTIMEOUTMS, 5000}}) {
      if (user_set.count(key) != 0) continue;
      auto timeout = std::chrono::milliseconds(fallback);
      if (half) timeout = std::clamp(*half, std::chrono::milliseconds(250), timeout);
      mongoc_uri_set_option_as_int32(uri, key, static_cast<std::int32_t>(timeout.count()));
    }
  }

  mongoc_client_pool_t* get() {
    std::call_once(made, [this] {
      set_timeouts();
      pool_ = mongoc_client_pool_new(uri);
      if (pool_ == nullptr) throw ConfigurationError("Could not create a MongoDB client pool");
      mongoc_client_pool_set_error_api(pool_, MONGOC_ERROR_API_VERSION_2);
      mongoc_client_pool_set_appname(pool_, "aws-cpp-helper");
    });
    return pool_;
  }

  explicit Pool(const std::string& connection_string) {
    static std::once_flag once;
    std::call_once(once, [] {
      mongoc_init();
      route_driver_logs();
    });
    std::string with_defaults =
        mongo::with_lambda_defaults(connection_string, tls::system_ca_bundle());
    bson_error_t error;
    uri = mongoc_uri_new_with_error(with_defaults.c_str(), &error);
    if (uri == nullptr) {
      throw ConfigurationError(std::string("Invalid MongoDB connection string: ") + error.message);
    }
    if (mongoc_uri_t* own = mongoc_uri_new_with_error(connection_string.c_str(), &error)) {
      for (const char* key : {MONGOC_URI_SOCKETTIMEOUTMS, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                              MONGOC_URI_CONNECTTIMEOUTMS}) {
        if (mongoc_uri_has_option(own, key)) user_set.emplace(key);
      }
      mongoc_uri_destroy(own);
    }
  }
  ~Pool() {
    if (pool_ != nullptr) mongoc_client_pool_destroy(pool_);
    mongoc_uri_destroy(uri);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
};

// An operation is not started when the invocation has no time left for it: the caller gets a
// typed 503 while it can still answer, rather than Lambda's timeout.
void check_deadline() {
  if (auto left = time_left(); left && *left < kDeadlineMargin) {
    throw MongoUnavailableError("MongoDB: no time left before the invocation's deadline (" +
                                    std::to_string(left->count()) + " ms)",
                                0, 0);
  }
}

// A client borrowed from a pool for the length of one operation (or one cursor).
class Lease {
 public:
  explicit Lease(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {
    check_deadline();
    client_ = mongoc_client_pool_pop(pool_->get());
  }
  ~Lease() {
    if (client_ != nullptr) mongoc_client_pool_push(pool_->get(), client_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  [[nodiscard]] mongoc_client_t* get() const noexcept { return client_; }

 private:
  std::shared_ptr<Pool> pool_;
  mongoc_client_t* client_ = nullptr;
};

struct CursorState {
  std::unique_ptr<Lease> lease;
  mongoc_collection_t* collection = nullptr;
  mongoc_cursor_t* cursor = nullptr;
  ~CursorState() {
    if (cursor != nullptr) mongoc_cursor_destroy(cursor);
    if (collection != nullptr) mongoc_collection_destroy(collection);
  }
};

}  // namespace detail

namespace {

using mongo::BsonPtr;

// A filter: null (what `{}` gives in C++) means "everything", like an empty object.
BsonPtr filter_bson(const Json& filter) {
  return mongo::to_bson(filter.is_null() ? Json::object() : filter);
}

// The driver's error as a typed exception.
[[noreturn]] void raise(const bson_error_t& error, const Json* reply = nullptr) {
  std::string message = error.message;
  if (error.code == 11000 || error.code == 11001) {
    throw DuplicateKeyError(message, error.domain, error.code,
                            mongo::duplicate_key(message, reply));
  }
  if (error.domain == MONGOC_ERROR_SERVER_SELECTION || error.domain == MONGOC_ERROR_STREAM ||
      (error.domain == MONGOC_ERROR_CLIENT && error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE)) {
    // The driver's text names hosts and ports ("... calling hello on '10.0.3.7:27017'"): it
    // goes to the log, and callers (API clients, other Lambdas) get what failed, not where.
    static const Logger logger{"aws_helper.mongo"};
    logger.warn("MongoDB is unreachable: {}", message);
    const char* what = error.domain == MONGOC_ERROR_SERVER_SELECTION
                           ? "no server could be reached in time"
                       : error.domain == MONGOC_ERROR_STREAM ? "the connection failed or timed out"
                                                             : "authentication failed";
    throw MongoUnavailableError(std::string("MongoDB is unreachable: ") + what, error.domain,
                                error.code);
  }
  throw MongoCommandError(message, error.domain, error.code);
}

// Forward declaration: Reply is defined below.
class Reply;
[[noreturn]] void raise(const bson_error_t& error, const Reply& reply);

// A collection handle from a leased client; destroyed with the scope.
class CollectionHandle {
 public:
  CollectionHandle(const detail::Lease& lease, const std::string& db, const std::string& name)
      : handle_(mongoc_client_get_collection(lease.get(), db.c_str(), name.c_str())) {}
  ~CollectionHandle() { mongoc_collection_destroy(handle_); }
  CollectionHandle(const CollectionHandle&) = delete;
  CollectionHandle& operator=(const CollectionHandle&) = delete;
  [[nodiscard]] mongoc_collection_t* get() const noexcept { return handle_; }

 private:
  mongoc_collection_t* handle_;
};

// An initialised stack bson_t for replies, destroyed with the scope.
class Reply {
 public:
  Reply() { bson_init(&doc_); }
  ~Reply() { bson_destroy(&doc_); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  [[nodiscard]] bson_t* get() noexcept { return &doc_; }
  [[nodiscard]] Json json() const { return mongo::from_bson(doc_); }

 private:
  bson_t doc_;
};

// The driver's error, with the server's reply for the details (e.g. the duplicate key).
void raise(const bson_error_t& error, const Reply& reply) {
  Json details = reply.json();
  raise(error, &details);
}

std::int64_t count_field(const Json& reply, const char* key) {
  auto it = reply.find(key);
  if (it == reply.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_object() && it->contains("$numberLong")) {
    return std::stoll((*it)["$numberLong"].get<std::string>());
  }
  return 0;
}

// A read inside an invocation asks the server to give up when the time left is spent
// (maxTimeMS): a slow query ends with a typed error instead of outliving the invocation.
void add_time_limit(Json& opts) {
  if (auto left = time_left()) {
    opts["maxTimeMS"] = std::max<std::int64_t>(1, (*left - detail::kDeadlineMargin).count());
  }
}

BsonPtr read_options() {
  Json opts = Json::object();
  add_time_limit(opts);
  return mongo::to_bson(opts);
}

BsonPtr find_options(const FindOptions& options) {
  Json opts = Json::object();
  add_time_limit(opts);
  if (!options.projection.is_null() && !options.projection.empty())
    opts["projection"] = options.projection;
  if (!options.sort.is_null() && !options.sort.empty()) opts["sort"] = options.sort;
  if (options.skip < 0) throw ValueError("skip must not be negative");
  if (options.limit < 0) throw ValueError("limit must not be negative");
  if (options.skip > 0) opts["skip"] = int64(options.skip);
  if (options.limit > 0) opts["limit"] = int64(options.limit);
  if (options.batch_size > 0) opts["batchSize"] = options.batch_size;
  return mongo::to_bson(opts);
}

Cursor make_cursor(const std::shared_ptr<detail::Pool>& pool, const std::string& db,
                   const std::string& name,
                   const std::function<mongoc_cursor_t*(mongoc_collection_t*)>& open) {
  auto state = std::make_unique<detail::CursorState>();
  state->lease = std::make_unique<detail::Lease>(pool);
  state->collection = mongoc_client_get_collection(state->lease->get(), db.c_str(), name.c_str());
  state->cursor = open(state->collection);
  return Cursor(std::move(state));
}

UpdateResult update_result(const Json& reply) {
  UpdateResult result;
  result.matched_count = count_field(reply, "matchedCount");
  result.modified_count = count_field(reply, "modifiedCount");
  if (auto it = reply.find("upsertedId"); it != reply.end() && !it->is_null())
    result.upserted_id = *it;
  return result;
}

// An update: operators ({"$set": ...}), or a pipeline (a list of stages), which BSON holds as
// a document keyed "0", "1", ...
BsonPtr update_bson(const Json& update) {
  if (!update.is_array()) return mongo::to_bson(update);
  Json stages = Json::object();
  for (std::size_t i = 0; i < update.size(); ++i) stages[std::to_string(i)] = update[i];
  return mongo::to_bson(stages);
}

using UpdateFn = bool (*)(mongoc_collection_t*, const bson_t*, const bson_t*, const bson_t*,
                          bson_t*, bson_error_t*);

UpdateResult run_update(const std::shared_ptr<detail::Pool>& pool, const std::string& db,
                        const std::string& name, UpdateFn fn, const Json& filter,
                        const Json& update, bool upsert) {
  BsonPtr selector = filter_bson(filter);
  BsonPtr change = update_bson(update);
  BsonPtr opts = mongo::to_bson(Json{{"upsert", upsert}});
  detail::Lease lease(pool);
  CollectionHandle collection(lease, db, name);
  Reply reply;
  bson_error_t error;
  if (!fn(collection.get(), selector.get(), change.get(), opts.get(), reply.get(), &error))
    raise(error, reply);
  return update_result(reply.json());
}

// The document to insert: as given when it has an _id, otherwise with a new ObjectId _id as
// its first field (where MongoDB puts it), so the caller learns the id.
Json with_object_id(const Json& document, const char* not_an_object) {
  if (!document.is_object()) throw ValueError(not_an_object);
  if (document.contains("_id")) return document;
  Json doc = {{"_id", object_id()}};
  for (const auto& [key, value] : document.items()) doc[key] = value;
  return doc;
}

using DeleteFn = bool (*)(mongoc_collection_t*, const bson_t*, const bson_t*, bson_t*,
                          bson_error_t*);

DeleteResult run_delete(const std::shared_ptr<detail::Pool>& pool, const std::string& db,
                        const std::string& name, DeleteFn fn, const Json& filter) {
  BsonPtr selector = filter_bson(filter);
  detail::Lease lease(pool);
  CollectionHandle collection(lease, db, name);
  Reply reply;
  bson_error_t error;
  if (!fn(collection.get(), selector.get(), nullptr, reply.get(), &error)) raise(error);
  return {count_field(reply.json(), "deletedCount")};
}

}  // namespace

// ---- Cursor ---------------------------------------------------------------------------------

Cursor::Cursor(std::unique_ptr<detail::CursorState> state) : state_(std::move(state)) {}
Cursor::~Cursor() = default;
Cursor::Cursor(Cursor&&) noexcept = default;
Cursor& Cursor::operator=(Cursor&&) noexcept = default;

std::optional<Json> Cursor::next() {
  if (!state_ || state_->cursor == nullptr) return std::nullopt;
  const bson_t* doc = nullptr;
  if (mongoc_cursor_next(state_->cursor, &doc)) return mongo::from_bson(*doc);
  bson_error_t error;
  if (mongoc_cursor_error(state_->cursor, &error)) raise(error);
  return std::nullopt;
}

std::vector<Json> Cursor::to_list(std::size_t max) {
  std::vector<Json> out;
  while (max == 0 || out.size() < max) {
    auto doc = next();
    if (!doc) break;
    out.push_back(std::move(*doc));
  }
  return out;
}

// ---- Collection -----------------------------------------------------------------------------

Collection::Collection(std::shared_ptr<detail::Pool> pool, std::string database, std::string name)
    : pool_(std::move(pool)), database_(std::move(database)), name_(std::move(name)) {}

Cursor Collection::find(const Json& filter, const FindOptions& options) const {
  BsonPtr query = filter_bson(filter);
  BsonPtr opts = find_options(options);
  return make_cursor(pool_, database_, name_, [&](mongoc_collection_t* collection) {
    return mongoc_collection_find_with_opts(collection, query.get(), opts.get(), nullptr);
  });
}

std::optional<Json> Collection::find_one(const Json& filter, const FindOptions& options) const {
  FindOptions one = options;
  one.limit = 1;
  return find(filter, one).next();
}

InsertOneResult Collection::insert_one(const Json& document) const {
  Json doc = with_object_id(document, "insert_one needs a JSON object");
  BsonPtr bson = mongo::to_bson(doc);
  detail::Lease lease(pool_);
  CollectionHandle collection(lease, database_, name_);
  Reply reply;
  bson_error_t error;
  if (!mongoc_collection_insert_one(collection.get(), bson.get(), nullptr, reply.get(), &error))
    raise(error, reply);
  return {doc["_id"]};
}

InsertManyResult Collection::insert_many(const std::vector<Json>& documents, bool ordered) const {
  InsertManyResult result;
  if (documents.empty()) return result;
  std::vector<BsonPtr> owned;
  // bson_t is declared with an alignment attribute that a template argument cannot carry; the
  // vector only holds pointers, so the dropped attribute is harmless here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
  std::vector<const bson_t*> pointers;
#pragma GCC diagnostic pop
  for (const auto& document : documents) {
    Json doc = with_object_id(document, "insert_many needs JSON objects");
    result.inserted_ids.push_back(doc["_id"]);
    owned.push_back(mongo::to_bson(doc));
    pointers.push_back(owned.back().get());
  }
  BsonPtr opts = mongo::to_bson(Json{{"ordered", ordered}});
  detail::Lease lease(pool_);
  CollectionHandle collection(lease, database_, name_);
  Reply reply;
  bson_error_t error;
  if (!mongoc_collection_insert_many(collection.get(), pointers.data(), pointers.size(), opts.get(),
                                     reply.get(), &error)) {
    raise(error, reply);
  }
  return result;
}

UpdateResult Collection::update_one(const Json& filter, const Json& update, bool upsert) const {
  return run_update(pool_, database_, name_, &mongoc_collection_update_one, filter, update, upsert);
}

UpdateResult Collection::update_many(const Json& filter, const Json& update, bool upsert) const {
  return run_update(pool_, database_, name_, &mongoc_collection_update_many, filter, update,
                    upsert);
}

UpdateResult Collection::replace_one(const Json& filter, const Json& replacement,
                                     bool upsert) const {
  if (!replacement.is_object()) throw ValueError("replace_one needs a JSON object");
  return run_update(pool_, database_, name_, &mongoc_collection_replace_one, filter, replacement,
                    upsert);
}

DeleteResult Collection::delete_one(const Json& filter) const {
  return run_delete(pool_, database_, name_, &mongoc_collection_delete_one, filter);
}

DeleteResult Collection::delete_many(const Json& filter) const {
  return run_delete(pool_, database_, name_, &mongoc_collection_delete_many, filter);
}

std::int64_t Collection::count_documents(const Json& filter) const {
  BsonPtr query = filter_bson(filter);
  BsonPtr opts = read_options();
  detail::Lease lease(pool_);
  CollectionHandle collection(lease, database_, name_);
  bson_error_t error;
  std::int64_t count = mongoc_collection_count_documents(collection.get(), query.get(), opts.get(),
                                                         nullptr, nullptr, &error);
  if (count < 0) raise(error);
  return count;
}

Cursor Collection::aggregate(const Json& pipeline) const {
  if (!pipeline.is_array()) throw ValueError("An aggregation pipeline must be a list of stages");
  BsonPtr stages = mongo::to_bson(Json{{"pipeline", pipeline}});
  BsonPtr opts = read_options();
  return make_cursor(pool_, database_, name_, [&](mongoc_collection_t* collection) {
    return mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, stages.get(), opts.get(),
                                       nullptr);
  });
}

namespace {

// Owns a mongoc bulk operation.
class BulkHandle {
 public:
  BulkHandle(mongoc_collection_t* collection, const bson_t* opts)
      : bulk_(mongoc_collection_create_bulk_operation_with_opts(collection, opts)) {}
  ~BulkHandle() { mongoc_bulk_operation_destroy(bulk_); }
  BulkHandle(const BulkHandle&) = delete;
  BulkHandle& operator=(const BulkHandle&) = delete;
  [[nodiscard]] mongoc_bulk_operation_t* get() const noexcept { return bulk_; }

 private:
  mongoc_bulk_operation_t* bulk_;
};

const char* operation_name(const WriteOperation& operation) {
  static constexpr const char* names[] = {"InsertOne",  "UpdateOne", "UpdateMany",
                                          "ReplaceOne", "DeleteOne", "DeleteMany"};
  return names[operation.index()];
}

// Adds one operation to the bulk; the driver checks its shape (operators in an update, none in
// a replacement) and a refusal names the operation.
void add_operation(mongoc_bulk_operation_t* bulk, std::size_t index, WriteOperation& operation) {
  bson_error_t error;
  bool ok = std::visit(
      [&](auto& op) -> bool {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, InsertOne>) {
          BsonPtr doc = mongo::to_bson(op.document);
          return mongoc_bulk_operation_insert_with_opts(bulk, doc.get(), nullptr, &error);
        } else if constexpr (std::is_same_v<Op, DeleteOne> || std::is_same_v<Op, DeleteMany>) {
          BsonPtr selector = filter_bson(op.filter);
          if constexpr (std::is_same_v<Op, DeleteOne>)
            return mongoc_bulk_operation_remove_one_with_opts(bulk, selector.get(), nullptr,
                                                              &error);
          else
            return mongoc_bulk_operation_remove_many_with_opts(bulk, selector.get(), nullptr,
                                                               &error);
        } else {
          BsonPtr selector = filter_bson(op.filter);
          BsonPtr opts = mongo::to_bson(Json{{"upsert", op.upsert}});
          if constexpr (std::is_same_v<Op, ReplaceOne>) {
            BsonPtr doc = mongo::to_bson(op.replacement);
            return mongoc_bulk_operation_replace_one_with_opts(bulk, selector.get(), doc.get(),
                                                               opts.get(), &error);
          } else {
            BsonPtr update = update_bson(op.update);
            if constexpr (std::is_same_v<Op, UpdateOne>)
              return mongoc_bulk_operation_update_one_with_opts(bulk, selector.get(), update.get(),
                                                                opts.get(), &error);
            else
              return mongoc_bulk_operation_update_many_with_opts(bulk, selector.get(), update.get(),
                                                                 opts.get(), &error);
          }
        }
      },
      operation);
  if (!ok) {
    throw ValueError("bulk_write operation " + std::to_string(index) + " (" +
                     operation_name(operation) + "): " + error.message);
  }
}

}  // namespace

BulkWriteResult Collection::bulk_write(const std::vector<WriteOperation>& operations,
                                       bool ordered) const {
  if (operations.empty()) throw ValueError("bulk_write needs at least one operation");
  BulkWriteResult result;
  std::vector<WriteOperation> prepared = operations;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (auto* insert = std::get_if<InsertOne>(&prepared[i])) {
      insert->document = with_object_id(insert->document, "InsertOne needs a JSON object");
      result.inserted_ids.emplace(i, insert->document["_id"]);
    }
  }
  BsonPtr opts = mongo::to_bson(Json{{"ordered", ordered}});
  detail::Lease lease(pool_);
  CollectionHandle collection(lease, database_, name_);
  BulkHandle bulk(collection.get(), opts.get());
  for (std::size_t i = 0; i < prepared.size(); ++i) add_operation(bulk.get(), i, prepared[i]);
  Reply reply;
  bson_error_t error;
  bool ok = mongoc_bulk_operation_execute(bulk.get(), reply.get(), &error) != 0;
  Json details = reply.json();
  result.inserted_count = count_field(details, "nInserted");
  result.matched_count = count_field(details, "nMatched");
  result.modified_count = count_field(details, "nModified");
  result.deleted_count = count_field(details, "nRemoved");
  result.upserted_count = count_field(details, "nUpserted");
  if (auto it = details.find("upserted"); it != details.end() && it->is_array()) {
    for (const auto& upserted : *it) {
      result.upserted_ids.emplace(static_cast<std::size_t>(count_field(upserted, "index")),
                                  upserted.value("_id", Json()));
    }
  }
  if (ok) return result;
  Json write_errors = Json::array();
  if (auto it = details.find("writeErrors"); it != details.end() && it->is_array())
    write_errors = *it;
  if (auto it = details.find("writeConcernErrors"); it != details.end() && it->is_array())
    for (const auto& concern : *it) write_errors.push_back(concern);
  if (write_errors.empty()) raise(error, &details);  // unreachable, timeout, ...
  bool all_duplicates = true;
  for (const auto& write_error : write_errors) {
    auto code = count_field(write_error, "code");
    all_duplicates = all_duplicates && (code == 11000 || code == 11001);
  }
  throw BulkWriteError("bulk_write: " + std::to_string(write_errors.size()) +
                           " write error(s); first: " + error.message,
                       all_duplicates ? 409 : 500, error.domain, error.code,
                       std::move(write_errors), std::move(result));
}

std::optional<Json> Collection::find_one_and_update(const Json& filter, const Json& update,
                                                    const FindOneAndUpdateOptions& options) const {
  BsonPtr query = filter_bson(filter);
  BsonPtr change = mongo::to_bson(update);
  mongoc_find_and_modify_opts_t* opts = mongoc_find_and_modify_opts_new();
  struct OptsGuard {
    mongoc_find_and_modify_opts_t* opts;
    ~OptsGuard() { mongoc_find_and_modify_opts_destroy(opts); }
  } guard{opts};
  mongoc_find_and_modify_opts_set_update(opts, change.get());
  int flags = MONGOC_FIND_AND_MODIFY_NONE;
  if (options.upsert) flags |= MONGOC_FIND_AND_MODIFY_UPSERT;
  if (options.return_new) flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW;
  mongoc_find_and_modify_opts_set_flags(opts, static_cast<mongoc_find_and_modify_flags_t>(flags));
  BsonPtr sort;
  BsonPtr fields;
  if (!options.sort.is_null() && !options.sort.empty()) {
    sort = mongo::to_bson(options.sort);
    mongoc_find_and_modify_opts_set_sort(opts, sort.get());
  }
  if (!options.projection.is_null() && !options.projection.empty()) {
    fields = mongo::to_bson(options.projection);
    mongoc_find_and_modify_opts_set_fields(opts, fields.get());
  }
  detail::Lease lease(pool_);
  CollectionHandle collection(lease, database_, name_);
  Reply reply;
  bson_error_t error;
  if (!mongoc_collection_find_and_modify_with_opts(collection.get(), query.get(), opts, reply.get(),
                                                   &error)) {
    raise(error, reply);
  }
  Json result = reply.json();
  auto value = result.find("value");
  if (value == result.end() || value->is_null()) return std::nullopt;
  return *value;
}

std::vector<Json> Collection::distinct(const std::string& key, const Json& filter) const {
  Json reply = run_command(
      {{"distinct", name_}, {"key", key}, {"query", filter.is_null() ? Json::object() : filter}});
  std::vector<Json> values;
  for (auto& value : reply["values"]) values.push_back(std::move(value));
  return values;
}

std::string Collection::create_index(const IndexSpec& spec) const {
  if (!spec.keys.is_object() || spec.keys.empty()) {
    throw ValueError("An index needs at least one key");
  }
  std::string name = spec.effective_name();
  Json index = {{"key", spec.keys}, {"name", name}};
  if (spec.unique) index["unique"] = true;
  if (spec.sparse) index["sparse"] = true;
  if (spec.partial_filter) index["partialFilterExpression"] = *spec.partial_filter;
  if (spec.expire_after_seconds) index["expireAfterSeconds"] = *spec.expire_after_seconds;
  (void)run_command({{"createIndexes", name_}, {"indexes", Json::array({index})}});
  return name;
}

std::vector<Json> Collection::list_indexes() const {
  Json listed;
  try {
    listed = run_command({{"listIndexes", name_}});
  } catch (const MongoCommandError& error) {
    if (error.code() == 26) return {};  // NamespaceNotFound: no collection yet
    throw;
  }
  std::vector<Json> indexes;
  for (auto& index : listed["cursor"]["firstBatch"]) indexes.push_back(std::move(index));
  return indexes;
}

void Collection::drop_index(const std::string& index_name) const {
  (void)run_command({{"dropIndexes", name_}, {"index", index_name}});
}

Json Collection::run_command(const Json& command) const {
  return Database(pool_, database_).run_command(command);
}

// ---- Database, Cluster ----------------------------------------------------------------------

Database::Database(std::shared_ptr<detail::Pool> pool, std::string name)
    : pool_(std::move(pool)), name_(std::move(name)) {}

Collection Database::operator[](std::string_view collection) const {
  return Collection(pool_, name_, std::string(collection));
}

Json Database::run_command(const Json& command) const {
  BsonPtr cmd = mongo::to_bson(command);
  detail::Lease lease(pool_);
  Reply reply;
  bson_error_t error;
  if (!mongoc_client_command_with_opts(lease.get(), name_.c_str(), cmd.get(), nullptr, nullptr,
                                       reply.get(), &error)) {
    raise(error);
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
