// POST /tax-searches {"towns": ["Norwalk", "Stamford"]} — launches one search-tax-by-town
// Fargate task per town (FargateExecutor: ECS_CLUSTER, ECS_SUBNETS, ECS_SECURITY_GROUPS) and
// answers 202 with each task's ARN (null for a launch that failed).
#include <algorithm>

#include <aws_helper/api.hpp>
#include <aws_helper/fargate.hpp>

#include "schemas/demo_schemas.hpp"

class TaxSearchesPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "Launch a tax search task per town on ECS", .success_code = 202};
  }
  // The `constitution-state` header is required and validated; the tasks get it as SESSION.
  [[nodiscard]] std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::state;
  }
  const aws_helper::Schema* schema() const override {
    return &aws_helper::schema_of<TaxSearchRequest>();
  }

  void process() override {
    auto request = input<TaxSearchRequest>();
    std::vector<aws_helper::EnvMap> envs;
    for (const auto& town : request.towns) envs.push_back({{"TOWN", town}});
    auto arns = aws_helper::FargateExecutor().run_task_batch("search-tax-by-town", envs);
    aws_helper::Json tasks = aws_helper::Json::array();
    for (std::size_t i = 0; i < arns.size(); ++i) {
      tasks.push_back({{"town", request.towns[i]},
                       {"task_arn", arns[i] ? aws_helper::Json(*arns[i]) : aws_helper::Json()}});
    }
    metrics().count(
        "TaxSearchTasksLaunched",
        static_cast<double>(std::count_if(arns.begin(), arns.end(),
                                          [](const auto& arn) { return arn.has_value(); })));
    set_code(202).set_body({{"tasks", tasks}});
  }
};
