// BSON <-> JSON throughput on a realistic document (a shipping with nested stops, ObjectIds,
// dates, a Decimal128), next to libbson's own Extended JSON conversion as the reference; and
// what the audit stamp adds to a write (stamp_new on an insert, stamp_update on an upsert,
// with a session user) next to the copy of the document every insert makes anyway.
//
//   ours:    BSON -> Json (from_bson), Json -> BSON (to_bson), and each with the text step a
//            service pays anyway (dump for a reply, parse of a request body)
//   libbson: bson_as_relaxed_extended_json (BSON -> text), bson_new_from_json (text -> BSON)
#include <benchmark/benchmark.h>
#include <bson/bson.h>

#include <aws_helper/audit.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/session.hpp>

#include "document/bson_convert.hpp"

namespace {

using aws_helper::Json;

Json shipping() {
  Json stops = Json::array();
  for (int i = 0; i < 12; ++i) {
    stops.push_back({{"_id", aws_helper::object_id()},
                     {"address", "Main Street " + std::to_string(i)},
                     {"city", "Hartford"},
                     {"zip", "06103"},
                     {"eta", aws_helper::date(std::chrono::system_clock::now())},
                     {"weight_kg", 12.5 + i},
                     {"items", i},
                     {"signed", i % 2 == 0}});
  }
  return {{"_id", aws_helper::object_id()},
          {"state", "connecticut"},
          {"customer_id", aws_helper::object_id()},
          {"status", "pending"},
          {"created_at", aws_helper::date(std::chrono::system_clock::now())},
          {"price", aws_helper::decimal128("149.90")},
          {"tags", {"fragile", "priority", "weekend"}},
          {"stops", stops}};
}

void BsonToJson_Ours(benchmark::State& state) {
  auto bson = aws_helper::mongo::to_bson(shipping());
  for (auto _ : state) benchmark::DoNotOptimize(aws_helper::mongo::from_bson(*bson));
  state.SetBytesProcessed(state.iterations() * (*bson).len);
}

void BsonToJsonText_Ours(benchmark::State& state) {
  auto bson = aws_helper::mongo::to_bson(shipping());
  for (auto _ : state) {
    benchmark::DoNotOptimize(aws_helper::dump_json(aws_helper::mongo::from_bson(*bson)));
  }
  state.SetBytesProcessed(state.iterations() * (*bson).len);
}

void BsonToJsonText_Libbson(benchmark::State& state) {
  auto bson = aws_helper::mongo::to_bson(shipping());
  for (auto _ : state) {
    char* text = bson_as_relaxed_extended_json(bson.get(), nullptr);
    benchmark::DoNotOptimize(text);
    bson_free(text);
  }
  state.SetBytesProcessed(state.iterations() * (*bson).len);
}

void JsonToBson_Ours(benchmark::State& state) {
  Json doc = shipping();
  auto size = aws_helper::mongo::to_bson(doc).get()->len;
  for (auto _ : state) benchmark::DoNotOptimize(aws_helper::mongo::to_bson(doc));
  state.SetBytesProcessed(state.iterations() * size);
}

void JsonTextToBson_Ours(benchmark::State& state) {
  std::string text = aws_helper::dump_json(shipping());
  auto size = aws_helper::mongo::to_bson(shipping()).get()->len;
  for (auto _ : state) benchmark::DoNotOptimize(aws_helper::mongo::to_bson(Json::parse(text)));
  state.SetBytesProcessed(state.iterations() * size);
}

void JsonTextToBson_Libbson(benchmark::State& state) {
  std::string text = aws_helper::dump_json(shipping());
  auto size = aws_helper::mongo::to_bson(shipping()).get()->len;
  for (auto _ : state) {
    bson_error_t error;
    bson_t* doc = bson_new_from_json(reinterpret_cast<const std::uint8_t*>(text.data()),
                                     static_cast<ssize_t>(text.size()), &error);
    benchmark::DoNotOptimize(doc);
    bson_destroy(doc);
  }
  state.SetBytesProcessed(state.iterations() * size);
}

void DocumentCopy(benchmark::State& state) {
  const Json document = shipping();
  for (auto _ : state) {
    Json copy = document;
    benchmark::DoNotOptimize(copy);
  }
}

const aws_helper::AuditPolicy kShippingStatuses{.statuses = {"pending", "scheduled"}};

aws_helper::Session with_user() {
  return aws_helper::Session(
      std::string("connecticut"),
      Json{{"_id", aws_helper::object_id()}, {"name", "Ada"}, {"email", "ada@example.com"}});
}

void AuditStampNew(benchmark::State& state) {
  aws_helper::SessionScope scope(with_user());
  const Json document = shipping();
  for (auto _ : state) benchmark::DoNotOptimize(aws_helper::stamp_new(document, kShippingStatuses));
}

void AuditStampUpsert(benchmark::State& state) {
  aws_helper::SessionScope scope(with_user());
  const Json update = {{"$set", {{"status", "scheduled"}, {"carrier_id", "c-9"}}},
                       {"$inc", {{"attempts", 1}}}};
  for (auto _ : state)
    benchmark::DoNotOptimize(aws_helper::stamp_update(update, true, kShippingStatuses));
}

BENCHMARK(DocumentCopy);
BENCHMARK(AuditStampNew);
BENCHMARK(AuditStampUpsert);
BENCHMARK(BsonToJson_Ours);
BENCHMARK(BsonToJsonText_Ours);
BENCHMARK(BsonToJsonText_Libbson);
BENCHMARK(JsonToBson_Ours);
BENCHMARK(JsonTextToBson_Ours);
BENCHMARK(JsonTextToBson_Libbson);

}  // namespace

BENCHMARK_MAIN();
