# The demo's input schemas, as pydantic models (what examples/demo/src/schemas/demo_schemas.hpp
# describes for the C++ demo), and the demo's tariff.
from typing import Literal, Optional

from pydantic import BaseModel, Field


# GET /constitutions?country=us&limit=10
class ConstitutionQuery(BaseModel):
    country: Optional[str] = Field(default=None, min_length=2, max_length=2)
    limit: int = Field(default=100, ge=1, le=1000)
    skip: int = Field(default=0, ge=0)


# lambda:quote-shipping and GET /shipping-quotes
class QuoteRequest(BaseModel):
    weight_kg: float = Field(ge=0.001, le=1000)
    distance_km: float = Field(ge=0, le=20000)
    service: Literal['standard', 'express'] = 'standard'


def quote_shipping(request: dict) -> dict:
    """A base fee, a rate per kg and per km, express costs half again (the C++ demo's tariff)."""
    price = 4.5 + 1.2 * request['weight_kg'] + 0.05 * request['distance_km']
    if request['service'] == 'express':
        price *= 1.5
    # As the C++ demo: round half up to cents by truncating price * 100 + 0.5.
    return {'service': request['service'], 'price': int(price * 100 + 0.5) / 100,
            'currency': 'USD'}
