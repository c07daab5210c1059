// One executable per service: `bootstrap`.
//
// aws_helper_add_service() (CMake) finds the service's handlers by folder convention and
// generates the ServiceDefinition and main() that call service_main(). The handler to serve is
// `_HANDLER` or the first argument, e.g. `lambda:generate-route`:
//
//   bootstrap                            serve _HANDLER through the Runtime API
//   bootstrap lambda:generate-route      serve that handler through the Runtime API
//   bootstrap handlers                   list the handlers this binary holds
//   bootstrap routes                     list the API routes (method, path, class, file)
//   bootstrap invoke lambda:x [--event f] run one handler once, locally, on an event file
//   bootstrap openapi                    print the APIs as an OpenAPI 3.1 document
//   bootstrap serve [--port 3000]        serve the APIs over HTTP on 127.0.0.1 (local runs),
//                                        with /openapi.json and Swagger UI at /docs
//   bootstrap task [name]                run a Fargate task (default: $TASK_NAME); exit 0 or 1
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <aws_helper/api.hpp>
#include <aws_helper/fargate.hpp>
#include <aws_helper/lambda.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/sqs.hpp>

namespace aws_helper {

// A standalone Lambda found at src/lambda/<name>/main.cpp.
struct LambdaEntry {
  std::string_view name;        // "generate-route"
  std::string_view class_name;  // "GenerateRouteLambda"
  std::string_view source;      // "src/lambda/generate-route/main.cpp"
  std::unique_ptr<Lambda> (*make)();
};

// An SQS consumer found at src/consumer/<snake_name>.cpp, served as sqs:<kebab-name>.
struct ConsumerEntry {
  std::string_view name;        // "title-indexed"
  std::string_view class_name;  // "TitleIndexedConsumer"
  std::string_view source;      // "src/consumer/title_indexed.cpp"
  std::unique_ptr<SQSConsumer> (*make)();
};

// A Fargate task found at src/task/<kebab-name>/task.cpp, run by `bootstrap task <name>`.
struct TaskEntry {
  std::string_view name;        // "search-tax-by-town"
  std::string_view class_name;  // "SearchTaxByTownTask"
  std::string_view source;      // "src/task/search-tax-by-town/task.cpp"
  std::unique_ptr<FargateTask> (*make)();
};

struct ServiceDefinition {
  std::string_view name;
  std::span<const LambdaEntry> lambdas;
  std::span<const ApiEntry> apis = {};  // src/api/**: served by the `api` handler
  std::span<const ConsumerEntry> consumers = {};
  std::span<const TaskEntry> tasks = {};
};

// Every handler name the service answers to, sorted (e.g. "lambda:generate-route").
[[nodiscard]] std::vector<std::string> handler_names(const ServiceDefinition& service);

// The Runtime API handler for `handler`, or nullopt when the service has no such handler.
[[nodiscard]] std::optional<runtime::Handler> find_handler(const ServiceDefinition& service,
                                                           std::string_view handler);

// The Runtime API handler that runs a standalone Lambda: one fresh instance per invocation,
// the reply is the envelope.
[[nodiscard]] runtime::Handler lambda_handler(const LambdaEntry& entry);

// The Runtime API handler for SQS events: one fresh consumer per invocation; the reply carries
// batchItemFailures. A consumer that cannot be created reports every record as failed.
[[nodiscard]] runtime::Handler sqs_handler(const ConsumerEntry& entry);

// Runs a Fargate task by name (empty: $TASK_NAME) and returns the exit code: 0 on success, 1 on
// failure or an unknown task (logged).
[[nodiscard]] int run_task(const ServiceDefinition& service, std::string_view name);

// The Runtime API handler for API Gateway / Function URL / ALB events: routes to the service's
// APIs. The route table is built once, on the first call.
[[nodiscard]] runtime::Handler api_handler(std::span<const ApiEntry> apis);

struct LocalServerOptions {
  std::string host = "127.0.0.1";
  int port = 3000;
  bool rest_events = false;  // REST API (v1) events instead of HTTP API (v2) ones
  // swagger-ui-dist's folder for /docs (default: $AWS_HELPER_SWAGGER_UI, else
  // ./node_modules/swagger-ui-dist, else the files from a CDN).
  std::string swagger_ui;
};

// Serves the APIs over HTTP until SIGINT/SIGTERM: each request becomes an API Gateway event run
// through api_handler(), one at a time, as one Lambda instance would. Returns the exit code.
int serve_http(const ServiceDefinition& service, const LocalServerOptions& options);

// The bootstrap's main(); see the file comment for the commands.
int service_main(int argc, char** argv, const ServiceDefinition& service);

}  // namespace aws_helper
