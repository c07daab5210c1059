# deliveries.shippings and deliveries.routes: fixed-database repositories used by
# lambda:generate-route (examples/demo/src/repositories/deliveries.hpp). The indexes are
# declared, not created at request time (the framework's index-sync Lambda creates them), as in
# the C++ demo.
from aws_python_helper.repository.base import Repository


class ShippingsRepository(Repository):
    @property
    def collection_name(self):
        return 'shippings'

    @property
    def database_key(self):
        return 'deliveries'

    @property
    def indexes(self):
        return [{'key': [('status', 1)]}]


class RoutesRepository(Repository):
    @property
    def collection_name(self):
        return 'routes'

    @property
    def database_key(self):
        return 'deliveries'

    @property
    def indexes(self):
        return [{'key': [('shipping_id', 1)]}]
