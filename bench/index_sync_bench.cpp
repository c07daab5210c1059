// ModelIndexSyncLambda over 3 states x 5 repositories (3 indexes each, 15 units), with
// max_concurrency 1 and 10, alternating in one run: a first sync (every index created, the
// databases dropped before each round) and a re-run (nothing to create). Needs MONGODB_URI
// (bench/index_sync.sh starts FerretDB).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <aws_helper/model_index_sync.hpp>

namespace {

using aws_helper::IndexSpec;
using aws_helper::Json;

template <int N>
class Repo : public aws_helper::Repository {
 public:
  [[nodiscard]] std::string collection_name() const override { return "c" + std::to_string(N); }
  [[nodiscard]] std::vector<IndexSpec> indexes() const override {
    return {{.keys = {{"a", 1}}},
            {.keys = {{"b", -1}, {"c", 1}}},
            {.keys = {{"d", 1}}, .unique = true}};
  }
};

class Sync : public aws_helper::ModelIndexSyncLambda {
 public:
  explicit Sync(std::size_t bound) : bound_(bound) {}
  [[nodiscard]] std::vector<aws_helper::RepositoryFactory> repositories() const override {
    return aws_helper::repositories_of<Repo<1>, Repo<2>, Repo<3>, Repo<4>, Repo<5>>();
  }
  [[nodiscard]] std::string states_database() const override { return "bench_core"; }
  [[nodiscard]] std::size_t max_concurrency() const override { return bound_; }

 private:
  std::size_t bound_;
};

const char* kStates[] = {"bench_s1", "bench_s2", "bench_s3"};

double run_ms(std::size_t bound) {
  Sync sync(bound);
  auto start = std::chrono::steady_clock::now();
  auto reply = aws_helper::run_lambda(sync, Json::object(), {}, "Sync");
  auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (reply["success"] != true || reply["data"]["summary"]["total"] != 15) {
    std::fprintf(stderr, "sync failed: %s\n", reply.dump().c_str());
    std::exit(1);
  }
  return ms;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  const auto& db = aws_helper::db();
  static_cast<void>(db["bench_core"].run_command({{"dropDatabase", 1}}));
  for (const char* state : kStates) {
    static_cast<void>(
        db["bench_core"]["states"].insert_one({{"name", state}, {"is_active", true}}));
  }
  std::vector<double> first[2];
  std::vector<double> rerun[2];
  const std::size_t bounds[2] = {1, 10};
  for (int round = 0; round < rounds; ++round) {
    for (int b = 0; b < 2; ++b) {
      for (const char* state : kStates)
        static_cast<void>(db[state].run_command({{"dropDatabase", 1}}));
      first[b].push_back(run_ms(bounds[b]));
      rerun[b].push_back(run_ms(bounds[b]));
    }
  }
  for (int b = 0; b < 2; ++b) {
    std::printf("max_concurrency %2zu: first sync %7.1f ms, re-run %7.1f ms (median of %d)\n",
                bounds[b], median(first[b]), median(rerun[b]), rounds);
  }
  std::printf("ratio 10 vs 1: first sync %.2fx faster, re-run %.2fx faster\n",
              median(first[0]) / median(first[1]), median(rerun[0]) / median(rerun[1]));
  return 0;
}
