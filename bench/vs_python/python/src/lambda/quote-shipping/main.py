# lambda:quote-shipping (examples/demo/src/lambda/quote-shipping/main.cpp): prices a shipping
# from its weight and distance. No database, no state.
from aws_python_helper.lambda_standalone.base import Lambda
from schemas.demo_schemas import QuoteRequest, quote_shipping


class QuoteShippingLambda(Lambda):
    @property
    def requires_state(self):
        return False

    @property
    def schema(self):
        return QuoteRequest

    async def process(self):
        return quote_shipping(self.data)
