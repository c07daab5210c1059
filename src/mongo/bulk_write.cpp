// Collection::bulk_write: the operations are checked and queued on one driver bulk, sent in as
// few round trips as the server allows, and the reply becomes the counts, the ids and, when any
// write failed, a BulkWriteError.
#include <type_traits>

#include <aws_helper/mongo.hpp>

#include "document/bson_convert.hpp"
#include "mongo/client_pool.hpp"
#include "mongo/driver.hpp"
#include "mongo/error_mapping.hpp"
#include "mongo/requests.hpp"

namespace aws_helper {

namespace {

using mongo::BsonPtr;
using mongo::driver::api;

const char* operation_name(const WriteOperation& operation) {
  static constexpr const char* names[] = {"InsertOne",  "UpdateOne", "UpdateMany",
                                          "ReplaceOne", "DeleteOne", "DeleteMany"};
  return names[operation.index()];
}

// Queues one operation; false (with `error`) when the driver refuses its shape.
bool queue(mongoc_bulk_operation_t* bulk, const WriteOperation& operation, bson_error_t* error) {
  return std::visit(
      [&](const auto& op) -> bool {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, InsertOne>) {
          BsonPtr doc = mongo::to_bson(op.document);
          return api().bulk_operation_insert_with_opts(bulk, doc.get(), nullptr, error);
        } else if constexpr (std::is_same_v<Op, DeleteOne> || std::is_same_v<Op, DeleteMany>) {
          BsonPtr selector = mongo::filter_bson(op.filter);
          auto remove = std::is_same_v<Op, DeleteOne> ? api().bulk_operation_remove_one_with_opts
                                                      : api().bulk_operation_remove_many_with_opts;
          return remove(bulk, selector.get(), nullptr, error);
        } else if constexpr (std::is_same_v<Op, ReplaceOne>) {
          BsonPtr selector = mongo::filter_bson(op.filter);
          BsonPtr doc = mongo::to_bson(op.replacement);
          BsonPtr opts = mongo::upsert_options(op.upsert);
          return api().bulk_operation_replace_one_with_opts(bulk, selector.get(), doc.get(),
                                                            opts.get(), error);
        } else {
          BsonPtr selector = mongo::filter_bson(op.filter);
          BsonPtr update = mongo::update_bson(op.update);
          BsonPtr opts = mongo::upsert_options(op.upsert);
          auto apply = std::is_same_v<Op, UpdateOne> ? api().bulk_operation_update_one_with_opts
                                                     : api().bulk_operation_update_many_with_opts;
          return apply(bulk, selector.get(), update.get(), opts.get(), error);
        }
      },
      operation);
}

// Adds one operation to the bulk; the driver checks its shape (operators in an update, none in
// a replacement) and a refusal names the operation.
void add_operation(mongoc_bulk_operation_t* bulk, std::size_t index,
                   const WriteOperation& operation) {
  bson_error_t error;
  if (!queue(bulk, operation, &error)) {
    throw ValueError("bulk_write operation " + std::to_string(index) + " (" +
                     operation_name(operation) + "): " + error.message);
  }
}

// The counts and upserted ids of the reply (what was applied, also when some writes failed).
void read_counts(const Json& reply, BulkWriteResult& result) {
  result.inserted_count = mongo::count_field(reply, "nInserted");
  result.matched_count = mongo::count_field(reply, "nMatched");
  result.modified_count = mongo::count_field(reply, "nModified");
  result.deleted_count = mongo::count_field(reply, "nRemoved");
  result.upserted_count = mongo::count_field(reply, "nUpserted");
  if (auto it = reply.find("upserted"); it != reply.end() && it->is_array()) {
    for (const auto& upserted : *it) {
      result.upserted_ids.emplace(static_cast<std::size_t>(mongo::count_field(upserted, "index")),
                                  upserted.value("_id", Json()));
    }
  }
}

// A failed execute: BulkWriteError with the reply's write (and write-concern) errors, 409 when
// every one is a duplicate key; the driver's typed error when the reply has none (the server
// could not be reached, a timeout, ...).
[[noreturn]] void raise_bulk(const bson_error_t& error, const Json& reply, BulkWriteResult result) {
  Json write_errors = Json::array();
  if (auto it = reply.find("writeErrors"); it != reply.end() && it->is_array()) write_errors = *it;
  if (auto it = reply.find("writeConcernErrors"); it != reply.end() && it->is_array())
    for (const auto& concern : *it) write_errors.push_back(concern);
  if (write_errors.empty()) mongo::raise(error, &reply);
  bool all_duplicates = true;
  for (const auto& write_error : write_errors) {
    auto code = mongo::count_field(write_error, "code");
    all_duplicates = all_duplicates && (code == 11000 || code == 11001);
  }
  // The message first: the arguments of one call are evaluated in no set order, and the
  // moved-from write_errors would count 0.
  std::string message = "bulk_write: " + std::to_string(write_errors.size()) +
                        " write error(s); first: " + error.message;
  throw BulkWriteError(message, all_duplicates ? 409 : 500, error.domain, error.code,
                       std::move(write_errors), std::move(result));
}

}  // namespace

BulkWriteResult Collection::bulk_write(const std::vector<WriteOperation>& operations,
                                       bool ordered) const {
  if (operations.empty()) throw ValueError("bulk_write needs at least one operation");
  BulkWriteResult result;
  std::vector<WriteOperation> prepared = operations;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (auto* insert = std::get_if<InsertOne>(&prepared[i])) {
      insert->document = mongo::with_object_id(insert->document, "InsertOne needs a JSON object");
      result.inserted_ids.emplace(i, insert->document["_id"]);
    }
  }
  BsonPtr opts = mongo::to_bson(Json{{"ordered", ordered}});
  detail::Lease lease(pool_);
  auto collection = lease.collection(database_, name_);
  mongo::driver::BulkHandle bulk{
      api().create_bulk_operation_with_opts(collection.get(), opts.get())};
  for (std::size_t i = 0; i < prepared.size(); ++i) add_operation(bulk.get(), i, prepared[i]);
  mongo::Reply reply;
  bson_error_t error;
  bool ok = api().bulk_operation_execute(bulk.get(), reply.get(), &error) != 0;
  Json details = reply.json();
  read_counts(details, result);
  if (!ok) raise_bulk(error, details, std::move(result));
  return result;
}

}  // namespace aws_helper
