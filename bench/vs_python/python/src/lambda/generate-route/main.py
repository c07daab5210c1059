# lambda:generate-route (examples/demo/src/lambda/generate-route/main.cpp): reads
# deliveries.shippings, writes the route to deliveries.routes, marks the shipping scheduled, and
# returns {route_id, shipping_id}. Requires a session with an active state (the framework
# checks core.states, cached).
from datetime import datetime, timezone

from bson import ObjectId
from bson.errors import InvalidId

from aws_python_helper.lambda_standalone.base import Lambda
from repositories.deliveries import RoutesRepository, ShippingsRepository


class GenerateRouteLambda(Lambda):
    def __init__(self, event, context):
        super().__init__(event, context)
        self.shippings = ShippingsRepository()
        self.routes = RoutesRepository()

    async def validate(self):
        if 'shipping_id' not in self.data:
            raise ValueError('shipping_id is required')
        if not isinstance(self.data['shipping_id'], str):
            raise ValueError('shipping_id must be a string')

    async def process(self):
        shipping_id = self.data['shipping_id']
        try:
            oid = ObjectId(shipping_id)
        except InvalidId as error:
            raise ValueError(str(error)) from error

        shipping = await self.shippings.collection.find_one({'_id': oid})
        if not shipping:
            raise ValueError(f'Shipping {shipping_id} not found')

        inserted = await self.routes.collection.insert_one({
            'shipping_id': oid,
            'carrier_id': shipping.get('carrier_id'),
            'state': self.session.state,
            'status': 'pending',
            'created_at': datetime.now(timezone.utc),
        })
        await self.shippings.collection.update_one({'_id': oid},
                                                   {'$set': {'status': 'scheduled'}})
        self.logger.info(f'Route created: {inserted.inserted_id}')
        return {'route_id': inserted.inserted_id, 'shipping_id': shipping_id}
