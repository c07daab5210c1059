// GET /constitutions?country=us&limit=10 — the seed README's complete example.
#include <aws_helper/api.hpp>

#include "schemas/demo_schemas.hpp"

class ConstitutionsListAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<ConstitutionQuery>();
  }

  void process() override {
    auto query = input<ConstitutionQuery>();  // limit and skip are numbers, defaults applied
    aws_helper::Json filters = aws_helper::Json::object();
    if (query.country) filters["country"] = *query.country;

    auto constitutions = db()["constitution_db"]["constitutions"];
    auto results =
        constitutions
            .find(filters, {.sort = {{"name", 1}}, .skip = query.skip, .limit = query.limit})
            .to_list();
    auto total = constitutions.count_documents(filters);
    db()["analytics_db"]["searches"].insert_one(
        {{"filters", filters}, {"result_count", results.size()}});

    set_body({{"data", results}, {"total", total}});
    set_header("X-Total-Count", std::to_string(total));
  }
};
