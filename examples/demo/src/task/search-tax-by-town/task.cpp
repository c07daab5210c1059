// `bootstrap task search-tax-by-town` — the seed README's Fargate task, launched by
// POST /tax-searches through FargateExecutor. TOWN comes from the container overrides, the
// session from SESSION. The run is reported to core with process_run (launched, then success
// or failed with its counters) when PROCESS_RUNS_TOPIC_ARN is set; without it a warning says
// the run was not reported and the search goes on.
#include <aws_helper/document.hpp>
#include <aws_helper/fargate.hpp>
#include <aws_helper/monitoring.hpp>

class SearchTaxByTownTask : public aws_helper::FargateTask {
 public:
  void execute() override {
    auto town = require_env("TOWN");
    aws_helper::process_run(
        [&](aws_helper::RunReporter& run) {
          logger().info("Searching taxes for {} in {}", town,
                        session().state().value_or("(no state)"));
          db()["taxes"]["searches"].insert_one(
              {{"town", town},
               {"state",
                session().state() ? aws_helper::Json(*session().state()) : aws_helper::Json()},
               {"searched_at", aws_helper::date(std::chrono::system_clock::now())}});
          run.count("searches");
          metrics().count("TaxSearches");  // written when the task ends
        },
        {.process_code = "search-tax-by-town", .scope = town});
  }
};
