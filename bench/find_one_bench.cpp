// Warm find_one latency through the pool: what a warm invocation pays per lookup by _id.
//
//   ours:      Collection::find_one({"_id": id}) -> std::optional<Json> (lease a pooled client,
//              Json filter -> BSON, find with limit 1, BSON reply -> Json)
//   libmongoc: the same calls by hand on a mongoc_client_pool_t, reply left as BSON (the floor)
//
// Needs a server: AWS_HELPER_FERRETDB_URI or MONGODB_URI (bench/find_one.sh starts FerretDB).
// The Threads(4) variants share one pool, as concurrent work in one invocation does.
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <mongoc/mongoc.h>

#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>

namespace {

using aws_helper::Json;

std::string server_uri() {
  for (const char* name : {"AWS_HELPER_FERRETDB_URI", "MONGODB_URI"}) {
    if (const char* uri = std::getenv(name); uri != nullptr && *uri != '\0') return uri;
  }
  std::fprintf(stderr, "set AWS_HELPER_FERRETDB_URI or MONGODB_URI (bench/find_one.sh does)\n");
  std::exit(2);
}

constexpr int kDocuments = 1000;

// The ids of kDocuments shipping-like documents in bench.shippings (inserted once).
const std::vector<std::string>& ids() {
  static const std::vector<std::string> hex = [] {
    aws_helper::Cluster cluster(server_uri());
    auto shippings = cluster["bench"]["shippings"];
    (void)cluster["bench"].run_command({{"dropDatabase", 1}});
    std::vector<Json> documents;
    std::vector<std::string> out;
    for (int i = 0; i < kDocuments; ++i) {
      Json id = aws_helper::object_id();
      out.push_back(id["$oid"]);
      documents.push_back({{"_id", id},
                           {"state", "connecticut"},
                           {"status", "pending"},
                           {"created_at", aws_helper::date(std::chrono::system_clock::now())},
                           {"price", 149.9},  // FerretDB 1.x has no Decimal128
                           {"stops", {{{"city", "Hartford"}, {"zip", "06103"}, {"n", i}}}}});
    }
    shippings.insert_many(documents);
    return out;
  }();
  return hex;
}

const aws_helper::Collection& ours() {
  static const aws_helper::Cluster cluster(server_uri());
  static const aws_helper::Collection collection = cluster["bench"]["shippings"];
  return collection;
}

mongoc_client_pool_t* raw_pool() {
  static mongoc_client_pool_t* pool = [] {
    mongoc_init();
    mongoc_uri_t* uri = mongoc_uri_new(server_uri().c_str());
    mongoc_client_pool_t* created = mongoc_client_pool_new(uri);
    mongoc_uri_destroy(uri);
    return created;
  }();
  return pool;
}

void FindOne_Ours(benchmark::State& state) {
  const auto& hex = ids();
  std::mt19937 random(static_cast<unsigned>(state.thread_index()));
  std::size_t found = 0;
  for (auto _ : state) {
    auto doc = ours().find_one({{"_id", aws_helper::object_id(hex[random() % hex.size()])}});
    found += doc.has_value() ? 1 : 0;
    benchmark::DoNotOptimize(doc);
  }
  if (found != state.iterations()) state.SkipWithError("a document was not found");
}

void FindOne_Libmongoc(benchmark::State& state) {
  const auto& hex = ids();
  std::mt19937 random(static_cast<unsigned>(state.thread_index()));
  std::size_t found = 0;
  bson_t* opts = BCON_NEW("limit", BCON_INT64(1));
  for (auto _ : state) {
    bson_oid_t oid;
    bson_oid_init_from_string(&oid, hex[random() % hex.size()].c_str());
    bson_t* filter = BCON_NEW("_id", BCON_OID(&oid));
    mongoc_client_t* client = mongoc_client_pool_pop(raw_pool());
    mongoc_collection_t* collection = mongoc_client_get_collection(client, "bench", "shippings");
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(collection, filter, opts, nullptr);
    const bson_t* doc = nullptr;
    if (mongoc_cursor_next(cursor, &doc)) ++found;
    benchmark::DoNotOptimize(doc);
    mongoc_cursor_destroy(cursor);
    mongoc_collection_destroy(collection);
    mongoc_client_pool_push(raw_pool(), client);
    bson_destroy(filter);
  }
  bson_destroy(opts);
  if (found != state.iterations()) state.SkipWithError("a document was not found");
}

BENCHMARK(FindOne_Ours)->UseRealTime();
BENCHMARK(FindOne_Libmongoc)->UseRealTime();
BENCHMARK(FindOne_Ours)->Threads(4)->UseRealTime();
BENCHMARK(FindOne_Libmongoc)->Threads(4)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
