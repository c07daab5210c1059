// lambda:model-index-sync — run on every deploy: each repository's indexes in its database
// (deliveries, core) or in every active state (orders, customers, land records), orphans
// pruned. Invoke with {"dry_run": true} to see what would be dropped.
//
//   curl -d '{}' http://127.0.0.1:9001/2015-03-31/functions/function/invocations
#include <aws_helper/model_index_sync.hpp>

#include "repositories/customers.hpp"
#include "repositories/deliveries.hpp"
#include "repositories/land_records.hpp"
#include "repositories/orders.hpp"
#include "repositories/towns.hpp"

class ModelIndexSyncLambda : public aws_helper::ModelIndexSyncLambda {
 public:
  [[nodiscard]] std::vector<aws_helper::RepositoryFactory> repositories() const override {
    // AddressRepository (the external ClusterDockets cluster) is synced by the service that
    // owns that cluster.
    return aws_helper::repositories_of<ShippingsRepository, RoutesRepository, TownsRepository,
                                       OrdersRepository, CustomersRepository,
                                       LandRecordsRepository>();
  }
};
