# GET /constitutions?country=us&limit=10 (examples/demo/src/api/constitutions/list.cpp).
from aws_python_helper.api.base import API
from schemas.demo_schemas import ConstitutionQuery


class ConstitutionsListAPI(API):
    @property
    def schema(self):
        return ConstitutionQuery  # limit and skip coerced to numbers, defaults applied

    async def process(self):
        query = self.data
        filters = {}
        if query['country'] is not None:
            filters['country'] = query['country']

        constitutions = self.db.constitution_db.constitutions
        results = await (constitutions.find(filters).sort('name', 1)
                         .skip(query['skip']).limit(query['limit']).to_list(length=None))
        total = await constitutions.count_documents(filters)
        await self.db.analytics_db.searches.insert_one(
            {'filters': filters, 'result_count': len(results)})

        self.set_body({'data': results, 'total': total})
        self.set_header('X-Total-Count', str(total))
