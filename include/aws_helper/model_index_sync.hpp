// ModelIndexSyncLambda: creates every declared index on deploy, in every database it belongs
// in, and prunes the ones no longer declared.
//
//   // src/lambda/model-index-sync/main.cpp
//   class ModelIndexSyncLambda : public aws_helper::ModelIndexSyncLambda {
//    public:
//     std::vector<aws_helper::RepositoryFactory> repositories() const override {
//       return aws_helper::repositories_of<OrdersRepository, TownsRepository>();
//     }
//   };
//
// Targets: a repository with a database_key syncs in that database; a state-scoped one (no
// database_key) in every active state of states_database().states_collection() (default
// core.states, `status: "active"` or `is_active: true`); an external one only when it names a
// database (refused otherwise). Each (repository, database) unit runs on the framework pool, at
// most max_concurrency() at once (default 10, 0: as many as the pool has threads); within a unit
// the indexes are created in order, then orphan indexes (in MongoDB, no longer declared; never
// _id_) are dropped, or only listed when the event says {"dry_run": true}. A failing unit never
// stops the others.
//
// Reply, inside the Lambda envelope: {"summary": {"total", "succeeded", "failed"}, "dry_run",
// "results": [{"repository", "database", "collection", "indexes", "orphan_indexes",
// "orphan_indexes_dropped", "success", "error"?}]}. When any unit failed the envelope's
// `success` is false (error_type "IndexSyncFailed") and the data is still there, so a deploy
// step that checks `success` stops. Re-running creates nothing new. No session is needed.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <aws_helper/lambda.hpp>
#include <aws_helper/repository.hpp>

namespace aws_helper {

using RepositoryFactory = std::function<std::unique_ptr<Repository>()>;

// The factories of the repository types R...: repositories_of<OrdersRepository, ...>().
template <class... R>
[[nodiscard]] std::vector<RepositoryFactory> repositories_of() {
  return {RepositoryFactory([] { return std::unique_ptr<Repository>(std::make_unique<R>()); })...};
}

class ModelIndexSyncLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }

  [[nodiscard]] virtual std::vector<RepositoryFactory> repositories() const = 0;
  [[nodiscard]] virtual std::string states_database() const { return "core"; }
  [[nodiscard]] virtual std::string states_collection() const { return "states"; }
  [[nodiscard]] virtual std::size_t max_concurrency() const { return 10; }

  void validate() override;
  Json process() override;

  // The active states, as process() reads them.
  [[nodiscard]] std::vector<std::string> active_states() const;
};

}  // namespace aws_helper
