#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <aws_helper/deploy_template.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/model_index_sync.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

// The architecture this bootstrap was built for: the functions and tasks run the same binary.
#if defined(__aarch64__)
constexpr std::string_view kLambdaArch = "arm64";
constexpr std::string_view kEcsArch = "ARM64";
#else
constexpr std::string_view kLambdaArch = "x86_64";
constexpr std::string_view kEcsArch = "X86_64";
#endif

Json ref(std::string_view name) {
  return {{"Ref", std::string(name)}};
}
Json sub(std::string_view text) {
  return {{"Fn::Sub", std::string(text)}};
}
Json get_att(std::string_view resource, std::string_view attribute) {
  return {{"Fn::GetAtt", {std::string(resource), std::string(attribute)}}};
}

// "GenerateRouteLambda" -> "GenerateRoute": a class name without its kind, for logical ids.
std::string base_name(std::string_view class_name, std::string_view suffix) {
  if (class_name.size() > suffix.size() &&
      class_name.substr(class_name.size() - suffix.size()) == suffix) {
    class_name.remove_suffix(suffix.size());
  }
  std::string out;
  for (char c : class_name) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) out += c;
  }
  return out;
}

// "GET /users/{user_id}/posts" -> "GetUsersUserIdPosts": an event's logical id.
std::string route_id(std::string_view method, std::string_view pattern) {
  std::string out;
  bool upper = true;
  for (char c : std::string(method) + "/" + std::string(pattern)) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = false;
  }
  return out.empty() ? "Root" : out;
}

// A digest of this executable: the index sync's custom resource changes (and runs again) when
// the code, and so the declared indexes, change.
std::string code_digest() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size && i < 8; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Json parameters(const ServiceDefinition& service, const TemplateOptions& options) {
  std::string mode = detail::lower(detail::trim(get_env_or("AUTHORIZATION", "none")));
  if (mode.empty()) mode = "none";
  Json out = {
      {"Env",
       {{"Type", "String"},
        {"Default", "dev"},
        {"Description", "ENV: the environment (dev, staging, prod); part of the queue names"}}},
      {"MongoDbUri",
       {{"Type", "String"},
        {"NoEcho", true},
        {"Description", "MONGODB_URI: the cluster's connection string (mongodb+srv://...)"}}},
      {"Authorization",
       {{"Type", "String"},
        {"Default", mode},
        {"AllowedValues", {"none", "user", "state", "full", "permission"}},
        {"Description", "AUTHORIZATION: how the APIs authenticate callers"}}},
      {"ServiceCode",
       {{"Type", "String"},
        {"Default", std::string(service.name)},
        {"Description", "SERVICE_CODE: the service's code in permissions and settings"}}},
      {"CoreApiUrl",
       {{"Type", "String"},
        {"Default", ""},
        {"Description", "CORE_API_URL: core's base URL (JWT keys, service settings)"}}}};
  if (!service.tasks.empty()) {
    if (options.image.empty()) {
      out["TaskImage"] = {{"Type", "String"},
                          {"Description", "The tasks' container image (docs/container.md)"}};
    }
    out["Subnets"] = {{"Type", "List<AWS::EC2::Subnet::Id>"},
                      {"Description", "ECS_SUBNETS: where the Fargate tasks run"}};
    out["SecurityGroups"] = {{"Type", "List<AWS::EC2::SecurityGroup::Id>"},
                             {"Description", "ECS_SECURITY_GROUPS: the tasks' security groups"}};
  }
  return out;
}

Json environment(const ServiceDefinition& service) {
  Json variables = {{"ENV", ref("Env")},
                    {"SERVICE_NAME", std::string(service.name)},
                    {"SERVICE_CODE", ref("ServiceCode")},
                    {"MONGODB_URI", ref("MongoDbUri")},
                    {"AUTHORIZATION", ref("Authorization")},
                    {"CORE_API_URL", ref("CoreApiUrl")},
                    {"AWS_ACCOUNT_ID", ref("AWS::AccountId")}};
  if (!service.tasks.empty()) {
    variables["ECS_CLUSTER"] = ref("TaskCluster");
    variables["ECS_SUBNETS"] = {{"Fn::Join", {",", ref("Subnets")}}};
    variables["ECS_SECURITY_GROUPS"] = {{"Fn::Join", {",", ref("SecurityGroups")}}};
  }
  return variables;
}

// RunTask on the service's task definitions, and passing their roles to ECS.
Json task_policies() {
  return Json::array(
      {{{"Statement",
         {{{"Effect", "Allow"},
           {"Action", {"ecs:RunTask", "ecs:DescribeTasks"}},
           {"Resource", "*"}},
          {{"Effect", "Allow"},
           {"Action", "iam:PassRole"},
           {"Resource", {get_att("TaskExecutionRole", "Arn"), get_att("TaskRole", "Arn")}}}}}}});
}

Json function(std::string_view handler, std::string_view description, bool tasks) {
  Json properties = {{"Handler", std::string(handler)}, {"Description", std::string(description)}};
  if (tasks) properties["Policies"] = task_policies();
  return {{"Type", "AWS::Serverless::Function"}, {"Properties", properties}};
}

void add_api(Json& resources, Json& outputs, const ServiceDefinition& service, bool tasks) {
  if (service.apis.empty()) return;
  Json api = function("api", fmt::format("{}: the HTTP API's routes", service.name), tasks);
  Json events = Json::object();
  for (const auto& route : Router(service.apis).routes()) {
    events[route_id(route.method, route.pattern)] = {
        {"Type", "HttpApi"}, {"Properties", {{"Path", route.pattern}, {"Method", route.method}}}};
  }
  api["Properties"]["Events"] = events;
  resources["ApiFunction"] = api;
  outputs["ApiUrl"] = {
      {"Description", "The HTTP API's base URL"},
      {"Value", sub("https://${ServerlessHttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/")}};
}

void add_lambdas(Json& resources, Json& outputs, const ServiceDefinition& service, bool tasks) {
  for (const auto& entry : service.lambdas) {
    std::string id = base_name(entry.class_name, "Lambda") + "Function";
    Json lambda = function(fmt::format("lambda:{}", entry.name),
                           fmt::format("{} ({})", entry.class_name, entry.source), tasks);
    // The name LambdaInvoker is given: "<stack>-generate-route".
    lambda["Properties"]["FunctionName"] = sub(fmt::format("${{AWS::StackName}}-{}", entry.name));
    resources[id] = lambda;
    outputs[id] = {{"Description", fmt::format("lambda:{}", entry.name)}, {"Value", ref(id)}};
    // A Lambda whose constructor needs what this environment lacks is simply not an index
    // sync here (said on stderr): the template is still written.
    std::unique_ptr<Lambda> made;
    try {
      made = entry.make();
    } catch (const std::exception& error) {
      std::cerr << fmt::format("Note: {} could not be made ({}); not checked for an index sync\n",
                               entry.class_name, excerpt(error.what(), 200));
    }
    if (dynamic_cast<ModelIndexSyncLambda*>(made.get()) != nullptr) {
      // Run on every deploy whose code differs; a failed sync fails the deploy.
      resources["IndexSync"] = {
          {"Type", "Custom::IndexSync"},
          {"Properties", {{"ServiceToken", get_att(id, "Arn")}, {"CodeDigest", code_digest()}}}};
    }
  }
}

void add_consumers(Json& resources, Json& outputs, const ServiceDefinition& service,
                   const TemplateOptions& options, bool tasks) {
  for (const auto& entry : service.consumers) {
    std::string base = base_name(entry.class_name, "Consumer");
    std::string queue = base + "Queue";
    std::string dead = base + "DeadLetterQueue";
    resources[dead] = {
        {"Type", "AWS::SQS::Queue"},
        {"Properties",
         {{"QueueName", sub(fmt::format("{}-{}-dlq-${{Env}}", service.name, entry.name))},
          {"MessageRetentionPeriod", 1209600}}}};
    resources[queue] = {
        {"Type", "AWS::SQS::Queue"},
        {"Properties",
         {{"QueueName", sub(fmt::format("{}-{}-${{Env}}", service.name, entry.name))},
          // Six times the function's timeout, as AWS advises for an event source mapping.
          {"VisibilityTimeout", 6 * options.timeout_s},
          {"RedrivePolicy",
           {{"deadLetterTargetArn", get_att(dead, "Arn")}, {"maxReceiveCount", 5}}}}}};
    Json consumer = function(fmt::format("sqs:{}", entry.name),
                             fmt::format("{} ({})", entry.class_name, entry.source), tasks);
    consumer["Properties"]["Events"] = {
        {"Queue",
         {{"Type", "SQS"},
          {"Properties",
           {{"Queue", get_att(queue, "Arn")},
            {"BatchSize", 10},
            {"FunctionResponseTypes", {"ReportBatchItemFailures"}}}}}}};
    resources[base + "ConsumerFunction"] = consumer;
    outputs[queue + "Url"] = {{"Description", fmt::format("sqs:{}'s queue", entry.name)},
                              {"Value", ref(queue)}};
  }
}

Json assume_role(std::string_view service) {
  return {{"Version", "2012-10-17"},
          {"Statement",
           {{{"Effect", "Allow"},
             {"Principal", {{"Service", std::string(service)}}},
             {"Action", "sts:AssumeRole"}}}}};
}

// Over 60 lines: the ECS resources spelled out as CloudFormation wants them.
// NOLINTNEXTLINE(readability-function-size)
void add_tasks(Json& resources, const ServiceDefinition& service, const TemplateOptions& options) {
  if (service.tasks.empty()) return;
  resources["TaskCluster"] = {{"Type", "AWS::ECS::Cluster"}};
  resources["TaskLogGroup"] = {
      {"Type", "AWS::Logs::LogGroup"},
      {"Properties",
       {{"LogGroupName", sub(fmt::format("/ecs/{}-${{Env}}", service.name))},
        {"RetentionInDays", 30}}}};
  resources["TaskExecutionRole"] = {
      {"Type", "AWS::IAM::Role"},
      {"Properties",
       {{"AssumeRolePolicyDocument", assume_role("ecs-tasks.amazonaws.com")},
        {"ManagedPolicyArns",
         {sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
              "AmazonECSTaskExecutionRolePolicy")}}}}};
  resources["TaskRole"] = {
      {"Type", "AWS::IAM::Role"},
      {"Properties", {{"AssumeRolePolicyDocument", assume_role("ecs-tasks.amazonaws.com")}}}};
  Json image = options.image.empty() ? ref("TaskImage") : Json(options.image);
  const Json shared = environment(service);
  for (const auto& entry : service.tasks) {
    Json variables = Json::array({{{"Name", "TASK_NAME"}, {"Value", std::string(entry.name)}}});
    for (const auto& [name, value] : shared.items()) {
      if (name.rfind("ECS_", 0) == 0) continue;
      variables.push_back({{"Name", name}, {"Value", value}});
    }
    resources[base_name(entry.class_name, "Task") + "TaskDefinition"] = {
        {"Type", "AWS::ECS::TaskDefinition"},
        {"Properties",
         {{"Family", std::string(entry.name)},
          {"RequiresCompatibilities", {"FARGATE"}},
          {"NetworkMode", "awsvpc"},
          {"Cpu", "256"},
          {"Memory", "512"},
          {"RuntimePlatform",
           {{"OperatingSystemFamily", "LINUX"}, {"CpuArchitecture", std::string(kEcsArch)}}},
          {"ExecutionRoleArn", get_att("TaskExecutionRole", "Arn")},
          {"TaskRoleArn", get_att("TaskRole", "Arn")},
          {"ContainerDefinitions",
           {{{"Name", std::string(entry.name)},
             {"Image", image},
             {"Essential", true},
             {"Command", {"task", std::string(entry.name)}},
             {"Environment", variables},
             {"LogConfiguration",
              {{"LogDriver", "awslogs"},
               {"Options",
                {{"awslogs-group", ref("TaskLogGroup")},
                 {"awslogs-region", ref("AWS::Region")},
                 {"awslogs-stream-prefix", std::string(entry.name)}}}}}}}}}}};
  }
}

}  // namespace

Json sam_template(const ServiceDefinition& service, const TemplateOptions& options) {
  const bool tasks = !service.tasks.empty();
  Json resources = Json::object();
  Json outputs = Json::object();
  add_api(resources, outputs, service, tasks);
  add_lambdas(resources, outputs, service, tasks);
  add_consumers(resources, outputs, service, options, tasks);
  add_tasks(resources, service, options);
  Json globals = {{"Function",
                   {{"Runtime", "provided.al2023"},
                    {"Architectures", {std::string(kLambdaArch)}},
                    {"CodeUri", options.code_uri.empty() ? std::string(service.name) + ".zip"
                                                         : options.code_uri},
                    {"MemorySize", options.memory_mb},
                    {"Timeout", options.timeout_s},
                    {"Environment", {{"Variables", environment(service)}}}}}};
  Json out = {{"AWSTemplateFormatVersion", "2010-09-09"},
              {"Transform", "AWS::Serverless-2016-10-31"},
              {"Description",
               fmt::format("{}: built with aws-cpp-helper (bootstrap template sam)", service.name)},
              {"Parameters", parameters(service, options)},
              {"Globals", globals},
              {"Resources", resources}};
  if (!outputs.empty()) out["Outputs"] = outputs;
  return out;
}

}  // namespace aws_helper
