// The service's infrastructure as an AWS SAM template (JSON), made from the build-time tables:
//
//   bootstrap template sam [--code-uri build/my-service.zip] > template.json
//   sam deploy --template-file template.json --guided
//
// One function per handler, all running the one `bootstrap` on provided.al2023 with the
// handler name as Handler (Lambda passes it as _HANDLER):
//   api              the HTTP API's routes, one HttpApi event per route of `bootstrap routes`
//   lambda:<name>    each standalone Lambda, named <stack>-<name> so LambdaInvoker finds it
//   sqs:<name>       each consumer with its queue, a dead-letter queue after 5 receives and the
//                    event source mapping with ReportBatchItemFailures
// and, when the service has Fargate tasks, an ECS cluster, one task definition per task
// (family and container named after it, TASK_NAME set, `bootstrap task` as the command), its
// log group and roles, plus RunTask rights for the functions. A ModelIndexSyncLambda is also a
// custom resource, so `sam deploy` syncs the indexes and fails when the sync fails.
//
// The framework's variables are set on every function: ENV, SERVICE_NAME, SERVICE_CODE,
// MONGODB_URI (a NoEcho parameter), AUTHORIZATION, CORE_API_URL, AWS_ACCOUNT_ID, and for tasks
// ECS_CLUSTER, ECS_SUBNETS, ECS_SECURITY_GROUPS. See docs/deploy.md.
#pragma once

#include <string>

#include <aws_helper/json.hpp>
#include <aws_helper/service.hpp>

namespace aws_helper {

struct TemplateOptions {
  std::string code_uri{};  // default: <name>.zip, as aws_helper_package_service() names it
  std::string image{};     // the tasks' image (default: a TaskImage parameter)
  int memory_mb = 256;
  int timeout_s = 30;
};

[[nodiscard]] Json sam_template(const ServiceDefinition& service,
                                const TemplateOptions& options = {});

}  // namespace aws_helper
