# GET /shipping-quotes?weight_kg=2.5&distance_km=120&service=express
# (examples/demo/src/api/shipping-quotes/list.cpp): query parameters coerced by the schema, no
# database.
from aws_python_helper.api.base import API
from schemas.demo_schemas import QuoteRequest, quote_shipping


class ShippingQuotesListAPI(API):
    @property
    def schema(self):
        return QuoteRequest

    async def process(self):
        self.set_body({'data': quote_shipping(self.data)})
