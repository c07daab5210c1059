// What idempotency costs a warm invocation, against a real server (FerretDB by default):
//
//   (with 1,000 completed records in the store)
//   FirstRun:  a new key — the claim (one insert) and the completion (one update by _id)
//   Repeat:    a completed key — the refused claim (one insert) and the read of the record
//   FindOne:   one find_one by _id on the same pool, and
//   InsertOne: one insert_one, the units the two are measured against (on FerretDB's SQLite
//              backend every write is a committed transaction, so writes dominate)
//
// Needs MONGODB_URI (or AWS_HELPER_FERRETDB_URI); bench/find_one.sh starts FerretDB for it.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <aws_helper/idempotency.hpp>
#include <aws_helper/mongo.hpp>

namespace {

using aws_helper::IdempotencyConfig;
using aws_helper::Json;
using aws_helper::idempotency::Record;

constexpr int kRecords = 1000;

// The server, with kRecords completed records in the store, as a service that has been
// running for a while has (FerretDB's cost of a write grows with the collection).
void use_server() {
  static const bool ready = [] {
    for (const char* name : {"AWS_HELPER_FERRETDB_URI", "MONGODB_URI"}) {
      if (const char* uri = std::getenv(name); uri != nullptr && *uri != '\0') {
        setenv("MONGODB_URI", uri, 1);
        auto database = aws_helper::db()["bench_idempotency"];
        (void)database.run_command({{"dropDatabase", 1}});
        std::vector<Json> records;
        for (int i = 0; i < kRecords; ++i) {
          records.push_back({{"_id", "lambda:Old#" + std::to_string(i)},
                             {"status", "COMPLETED"},
                             {"payload_hash", std::string(64, 'a')},
                             {"token", std::string(32, 'b')},
                             {"result", R"({"success": true, "data": {"charged": 42.5}})"}});
        }
        (void)database["records"].insert_many(records);
        return true;
      }
    }
    std::fprintf(stderr, "set MONGODB_URI or AWS_HELPER_FERRETDB_URI (bench/find_one.sh does)\n");
    std::exit(2);
  }();
  (void)ready;
}

IdempotencyConfig config() {
  IdempotencyConfig config;
  config.database = "bench_idempotency";
  config.collection = "records";
  config.key = {"/order_id"};
  return config;
}

const Json kPayload = {{"order_id", "o-1"}, {"amount", 42.5}, {"lines", {1, 2, 3}}};

void FirstRun(benchmark::State& state) {
  use_server();
  auto records = aws_helper::db()["bench_idempotency"]["records"];
  long next = 0;
  for (auto _ : state) {
    Json payload = kPayload;
    payload["order_id"] = "o-" + std::to_string(next++);
    Record record(config(), "lambda:Bench",
                  aws_helper::idempotency::key_material(config(), payload), payload);
    if (record.claim() != Record::Outcome::run) state.SkipWithError("not a first run");
    record.complete(R"({"success": true, "data": {"charged": 42.5}})");
    state.PauseTiming();  // the collection keeps its size
    (void)records.delete_one({{"_id", record.id()}});
    state.ResumeTiming();
  }
}
BENCHMARK(FirstRun)->UseRealTime();

void Repeat(benchmark::State& state) {
  use_server();
  Json payload = kPayload;
  payload["order_id"] = "o-repeat";
  {
    Record first(config(), "lambda:Bench", Json("o-repeat"), payload);
    if (first.claim() == Record::Outcome::run) first.complete(R"({"success": true})");
  }
  for (auto _ : state) {
    Record record(config(), "lambda:Bench", Json("o-repeat"), payload);
    if (record.claim() != Record::Outcome::replay) state.SkipWithError("not a replay");
    benchmark::DoNotOptimize(record.stored_result());
  }
}
BENCHMARK(Repeat)->UseRealTime();

void FindOne(benchmark::State& state) {
  use_server();
  auto records = aws_helper::db()["bench_idempotency"]["records"];
  for (auto _ : state) benchmark::DoNotOptimize(records.find_one({{"_id", "absent"}}));
}
BENCHMARK(FindOne)->UseRealTime();

void InsertOne(benchmark::State& state) {
  use_server();
  auto plain = aws_helper::db()["bench_idempotency"]["plain"];
  for (auto _ : state) benchmark::DoNotOptimize(plain.insert_one({{"order_id", "o-1"}}));
}
BENCHMARK(InsertOne)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
