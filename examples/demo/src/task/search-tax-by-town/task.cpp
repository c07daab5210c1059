// `bootstrap task search-tax-by-town` — the seed README's Fargate task, launched by
// POST /tax-searches through FargateExecutor. TOWN comes from the container overrides, the
// session from SESSION.
#include <aws_helper/document.hpp>
#include <aws_helper/fargate.hpp>

class SearchTaxByTownTask : public aws_helper::FargateTask {
 public:
  void execute() override {
    auto town = require_env("TOWN");
    logger().info("Searching taxes for {} in {}", town, session().state().value_or("(no state)"));
    db()["taxes"]["searches"].insert_one(
        {{"town", town},
         {"state", session().state() ? aws_helper::Json(*session().state()) : aws_helper::Json()},
         {"searched_at", aws_helper::date(std::chrono::system_clock::now())}});
  }
};
