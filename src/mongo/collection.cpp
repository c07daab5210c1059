// Collection's operations (bulk_write is in bulk_write.cpp): each builds its documents, borrows a
// client for the call and maps the driver's error to a typed one.
#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>

#include "document/bson_convert.hpp"
#include "mongo/client_pool.hpp"
#include "mongo/cursor_state.hpp"
#include "mongo/driver.hpp"
#include "mongo/error_mapping.hpp"
#include "mongo/requests.hpp"

namespace aws_helper {

namespace {

using mongo::BsonPtr;
using mongo::driver::api;

BsonPtr find_options(const FindOptions& options) {
  Json opts = mongo::read_options_json();
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

UpdateResult update_result(const Json& reply) {
  UpdateResult result;
  result.matched_count = mongo::count_field(reply, "matchedCount");
  result.modified_count = mongo::count_field(reply, "modifiedCount");
  if (auto it = reply.find("upsertedId"); it != reply.end() && !it->is_null())
    result.upserted_id = *it;
  return result;
}

// update_one, update_many and replace_one differ only in the driver function.
using UpdateFn = decltype(mongo::driver::Api::collection_update_one);

UpdateResult run_update(const std::shared_ptr<detail::Pool>& pool, const std::string& db,
                        const std::string& name, UpdateFn fn, const Json& filter,
                        const Json& update, bool upsert) {
  BsonPtr selector = mongo::filter_bson(filter);
  BsonPtr change = mongo::update_bson(update);
  BsonPtr opts = mongo::upsert_options(upsert);
  detail::Lease lease(pool);
  auto collection = lease.collection(db, name);
  mongo::Reply reply;
  bson_error_t error;
  if (!fn(collection.get(), selector.get(), change.get(), opts.get(), reply.get(), &error))
    mongo::raise(error, reply);
  return update_result(reply.json());
}

// delete_one and delete_many differ only in the driver function.
using DeleteFn = decltype(mongo::driver::Api::collection_delete_one);

DeleteResult run_delete(const std::shared_ptr<detail::Pool>& pool, const std::string& db,
                        const std::string& name, DeleteFn fn, const Json& filter) {
  BsonPtr selector = mongo::filter_bson(filter);
  detail::Lease lease(pool);
  auto collection = lease.collection(db, name);
  mongo::Reply reply;
  bson_error_t error;
  if (!fn(collection.get(), selector.get(), nullptr, reply.get(), &error))
    mongo::raise(error, reply);
  return {mongo::count_field(reply.json(), "deletedCount")};
}

// The findAndModify options: the update, upsert / return-new flags, sort and projection. The
// driver copies each document it is given ("does not have to remain valid after calling this").
mongo::driver::FindAndModifyOptsHandle find_and_modify_options(
    const Json& update, const FindOneAndUpdateOptions& options) {
  mongo::driver::FindAndModifyOptsHandle opts{api().find_and_modify_opts_new()};
  api().find_and_modify_opts_set_update(opts.get(), mongo::to_bson(update).get());
  int flags = MONGOC_FIND_AND_MODIFY_NONE;
  if (options.upsert) flags |= MONGOC_FIND_AND_MODIFY_UPSERT;
  if (options.return_new) flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW;
  api().find_and_modify_opts_set_flags(opts.get(),
                                       static_cast<mongoc_find_and_modify_flags_t>(flags));
  if (!options.sort.is_null() && !options.sort.empty())
    api().find_and_modify_opts_set_sort(opts.get(), mongo::to_bson(options.sort).get());
  if (!options.projection.is_null() && !options.projection.empty())
    api().find_and_modify_opts_set_fields(opts.get(), mongo::to_bson(options.projection).get());
  return opts;
}

}  // namespace

Collection::Collection(std::shared_ptr<detail::Pool> pool, std::string database, std::string name)
    : pool_(std::move(pool)), database_(std::move(database)), name_(std::move(name)) {}

Collection Collection::audited(AuditPolicy policy) const {
  Collection copy = *this;
  copy.audit_ = std::make_shared<const AuditPolicy>(std::move(policy));
  return copy;
}

Collection Collection::unaudited() const {
  Collection copy = *this;
  copy.audit_.reset();
  return copy;
}

Json Collection::stamped_new(const Json& document) const {
  return audit_ ? stamp_new(document, *audit_) : document;
}

Json Collection::stamped_update(const Json& update, bool upsert) const {
  return audit_ ? stamp_update(update, upsert, *audit_) : update;
}

Cursor Collection::find(const Json& filter, const FindOptions& options) const {
  BsonPtr query = mongo::filter_bson(filter);
  BsonPtr opts = find_options(options);
  return detail::open_cursor(pool_, database_, name_, [&](mongoc_collection_t* collection) {
    return api().collection_find_with_opts(collection, query.get(), opts.get(), nullptr);
  });
}

std::optional<Json> Collection::find_one(const Json& filter, const FindOptions& options) const {
  FindOptions one = options;
  one.limit = 1;
  return find(filter, one).next();
}

InsertOneResult Collection::insert_one(const Json& document) const {
  Json doc = mongo::with_object_id(stamped_new(document), "insert_one needs a JSON object");
  BsonPtr bson = mongo::to_bson(doc);
  detail::Lease lease(pool_);
  auto collection = lease.collection(database_, name_);
  mongo::Reply reply;
  bson_error_t error;
  if (!api().collection_insert_one(collection.get(), bson.get(), nullptr, reply.get(), &error))
    mongo::raise(error, reply);
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
    Json doc = mongo::with_object_id(stamped_new(document), "insert_many needs JSON objects");
    result.inserted_ids.push_back(doc["_id"]);
    owned.push_back(mongo::to_bson(doc));
    pointers.push_back(owned.back().get());
  }
  BsonPtr opts = mongo::to_bson(Json{{"ordered", ordered}});
  detail::Lease lease(pool_);
  auto collection = lease.collection(database_, name_);
  mongo::Reply reply;
  bson_error_t error;
  if (!api().collection_insert_many(collection.get(), pointers.data(), pointers.size(), opts.get(),
                                    reply.get(), &error)) {
    mongo::raise(error, reply);
  }
  return result;
}

UpdateResult Collection::update_one(const Json& filter, const Json& update, bool upsert) const {
  return run_update(pool_, database_, name_, api().collection_update_one, filter,
                    stamped_update(update, upsert), upsert);
}

UpdateResult Collection::update_many(const Json& filter, const Json& update, bool upsert) const {
  return run_update(pool_, database_, name_, api().collection_update_many, filter,
                    stamped_update(update, upsert), upsert);
}

UpdateResult Collection::replace_one(const Json& filter, const Json& replacement,
                                     bool upsert) const {
  if (!replacement.is_object()) throw ValueError("replace_one needs a JSON object");
  return run_update(pool_, database_, name_, api().collection_replace_one, filter,
                    stamped_new(replacement), upsert);
}

DeleteResult Collection::delete_one(const Json& filter) const {
  return run_delete(pool_, database_, name_, api().collection_delete_one, filter);
}

DeleteResult Collection::delete_many(const Json& filter) const {
  return run_delete(pool_, database_, name_, api().collection_delete_many, filter);
}

std::int64_t Collection::count_documents(const Json& filter) const {
  BsonPtr query = mongo::filter_bson(filter);
  BsonPtr opts = mongo::read_options();
  detail::Lease lease(pool_);
  auto collection = lease.collection(database_, name_);
  bson_error_t error;
  std::int64_t count = api().collection_count_documents(collection.get(), query.get(), opts.get(),
                                                        nullptr, nullptr, &error);
  if (count < 0) mongo::raise(error);
  return count;
}

Cursor Collection::aggregate(const Json& pipeline) const {
  if (!pipeline.is_array()) throw ValueError("An aggregation pipeline must be a list of stages");
  BsonPtr stages = mongo::to_bson(Json{{"pipeline", pipeline}});
  BsonPtr opts = mongo::read_options();
  return detail::open_cursor(pool_, database_, name_, [&](mongoc_collection_t* collection) {
    return api().collection_aggregate(collection, MONGOC_QUERY_NONE, stages.get(), opts.get(),
                                      nullptr);
  });
}

std::optional<Json> Collection::find_one_and_update(const Json& filter, const Json& update,
                                                    const FindOneAndUpdateOptions& options) const {
  BsonPtr query = mongo::filter_bson(filter);
  auto opts = find_and_modify_options(stamped_update(update, options.upsert), options);
  detail::Lease lease(pool_);
  auto collection = lease.collection(database_, name_);
  mongo::Reply reply;
  bson_error_t error;
  if (!api().collection_find_and_modify_with_opts(collection.get(), query.get(), opts.get(),
                                                  reply.get(), &error)) {
    mongo::raise(error, reply);
  }
  Json result = reply.json();
  auto value = result.find("value");
  if (value == result.end() || value->is_null()) return std::nullopt;
  return *value;
}

std::optional<Json> Collection::find_one_and_replace(const Json& filter, const Json& replacement,
                                                     const FindOneAndUpdateOptions& options) const {
  if (!replacement.is_object()) throw ValueError("find_one_and_replace needs a JSON object");
  for (const auto& [key, value] : replacement.items()) {
    if (!key.empty() && key[0] == '$') {
      throw ValueError("find_one_and_replace takes a whole document, not update operators ('" +
                       key + "')");
    }
  }
  return unaudited().find_one_and_update(filter, stamped_new(replacement), options);
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

}  // namespace aws_helper
