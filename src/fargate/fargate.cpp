#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <ctime>
#include <random>

#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/fargate.hpp>
#include <aws_helper/state_validator.hpp>
#include <aws_helper/trace.hpp>

#include "core/stop_signal.hpp"
#include "core/text.hpp"

namespace aws_helper {
namespace {

constexpr std::string_view kTarget = "AmazonEC2ContainerServiceV20141113.";

using detail::lower;
using detail::split_list;
using detail::upper;

std::string required(const char* name) {
  auto value = aws_helper::get_env(name);
  if (!value || value->empty()) {
    throw ConfigurationError(std::string(name) + " environment variable is required");
  }
  return *value;
}

// ECS sends timestamps as epoch seconds (with a fraction).
std::optional<std::string> iso_time(const Json& task, const char* key) {
  auto it = task.find(key);
  if (it == task.end() || !it->is_number()) return std::nullopt;
  auto seconds = static_cast<std::time_t>(it->get<double>());
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text.data());
}

std::optional<std::string> string_of(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string client_token() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kDigits[random() % 16];
  return token;
}

void check_task_name(const std::string& name) {
  bool valid = !name.empty() && name.size() <= 255 &&
               std::all_of(name.begin(), name.end(), [](unsigned char c) {
                 return std::isalnum(c) != 0 || c == '-' || c == '_';
               });
  if (!valid) {
    throw ValueError("Task name '" + name +
                     "' is not a valid task definition family (letters, digits, '-' and '_')");
  }
}

}  // namespace

std::optional<std::string> FargateTask::get_env(const std::string& key) const {
  if (auto it = envs_.find(key); it != envs_.end()) return it->second;
  if (auto value = aws_helper::get_env(upper(key).c_str())) return value;
  if (auto value = aws_helper::get_env(lower(key).c_str())) return value;
  return std::nullopt;
}

std::string FargateTask::get_env(const std::string& key, const std::string& fallback) const {
  return get_env(key).value_or(fallback);
}

std::string FargateTask::require_env(const std::string& key) const {
  auto value = get_env(key);
  if (!value) throw ValueError("Required environment variable '" + key + "' not found");
  return *value;
}

namespace {
std::atomic<bool> task_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_task_sigterm(int /*signal*/) {
  task_stop_requested.store(true);
}
}  // namespace

namespace {

// The idempotency record of this run, claimed: nullopt when the task is not idempotent (or its
// run has no key and that is allowed); `replay` set when the run already completed.
std::optional<idempotency::Record> claim_run(const FargateTask& task, const Json& session,
                                             bool& replay) {
  auto config = task.idempotency();
  if (!config) return std::nullopt;
  std::vector<std::string> names = config->key;
  if (names.empty()) names.emplace_back("RUN_ID");
  std::optional<Json> key = Json::array();
  for (const auto& name : names) {
    auto value = task.get_env(name);
    if (!value || value->empty()) {
      key.reset();
      break;
    }
    key->push_back(*value);
  }
  Json payload = {{"key", key ? *key : Json(nullptr)}, {"session", session}};
  std::optional<idempotency::Record> record;
  record.emplace(std::move(*config), "task:" + task.logger().name(), key, payload);
  replay = record->claim() == idempotency::Record::Outcome::replay;
  return record;
}

}  // namespace

bool FargateTask::stop_requested() noexcept {
  return task_stop_requested.load();
}

int FargateTask::run(std::string_view class_name) {
  name_logger(class_name);
  task_stop_requested = false;
  detail::SigtermScope sigterm{on_task_sigterm};
  // The trace of whoever launched the task (FargateExecutor sets it), on every line it logs.
  trace::Scope trace_scope{get_env(std::string(trace::kEnvironmentVariable)).value_or("")};
  std::optional<idempotency::Record> record;
  try {
    auto text = require_env("SESSION");
    auto value = parse_json(text, "SESSION");
    if (!value.is_object()) throw ValueError("SESSION must be a JSON object");
    auto session = Session::from_json(value);
    if (session.state() && !session.state()->empty()) StateValidator::validate(*session.state());
    SessionScope scope{session};
    bool replay = false;
    record = claim_run(*this, value, replay);
    if (replay) {
      logger().info("This run already completed (idempotency): nothing to do");
      return 0;
    }
    logger().info("Task started");
    execute();
    if (stop_requested()) {
      logger().info("Task finished after SIGTERM (stop requested)");
      if (record) record->release();  // cut short: a new run does the rest
    } else {
      logger().info("Task finished");
      if (record) record->complete("null");
    }
    return 0;
  } catch (const std::exception& error) {
    if (record) record->release();
    logger().with(LogLevel::error, std::string("Task failed: ") + error.what(),
                  {{"error_type", error_type_of(error)}});
    return 1;
  }
}

Json TaskStatus::to_json() const {
  Json out = {{"status", status}, {"desired_status", desired_status}, {"task_arn", task_arn}};
  out["started_at"] = started_at ? Json(*started_at) : Json(nullptr);
  out["stopped_at"] = stopped_at ? Json(*stopped_at) : Json(nullptr);
  out["stop_reason"] = stop_reason ? Json(*stop_reason) : Json(nullptr);
  out["exit_code"] = exit_code ? Json(*exit_code) : Json(nullptr);
  return out;
}

// Members are initialised in declaration order, so the variables are checked in the order the
// error messages promise (a delegating constructor's arguments have no such order).
FargateExecutor::FargateExecutor()
    : cluster_(required("ECS_CLUSTER")),
      subnets_(split_list(required("ECS_SUBNETS"))),
      security_groups_(split_list(aws_helper::get_env_or("ECS_SECURITY_GROUPS", ""))),
      client_("ecs", "ECS") {
  if (subnets_.empty()) throw ConfigurationError("ECS_SUBNETS environment variable is required");
}

FargateExecutor::FargateExecutor(std::string cluster, std::vector<std::string> subnets,
                                 std::vector<std::string> security_groups)
    : cluster_(std::move(cluster)),
      subnets_(std::move(subnets)),
      security_groups_(std::move(security_groups)),
      client_("ecs", "ECS") {
  if (cluster_.empty()) throw ConfigurationError("ECS_CLUSTER environment variable is required");
  if (subnets_.empty()) throw ConfigurationError("ECS_SUBNETS environment variable is required");
}

Json FargateExecutor::run_task_request(const std::string& task_name, const EnvMap& envs,
                                       const RunTaskOptions& options) const {
  check_task_name(task_name);
  if (options.count < 1 || options.count > 10) {
    throw ValueError("count must be between 1 and 10 (the RunTask limit), got " +
                     std::to_string(options.count));
  }
  Json environment = Json::array();
  auto has = [&envs](const char* name) {
    return std::any_of(envs.begin(), envs.end(),
                       [name](const auto& entry) { return upper(entry.first) == name; });
  };
  for (const auto& [key, value] : envs) {
    if (upper(key) == "TASK_NAME") continue;  // ours below: one TASK_NAME, the task's
    environment.push_back({{"name", upper(key)}, {"value", value}});
  }
  const Session& session = get_session();
  if (!has("SESSION")) {
    // Always set, "{}" when there is no session, so the task's required SESSION is there.
    environment.push_back({{"name", "SESSION"}, {"value", mongo_json_dumps(session.to_json())}});
  }
  environment.push_back({{"name", "TASK_NAME"}, {"value", task_name}});
  if (!has("CONSTITUTION_STATE") && session.state()) {
    environment.push_back({{"name", "CONSTITUTION_STATE"}, {"value", *session.state()}});
  }
  if (auto header = trace::current(); !header.empty() && !has("_X_AMZN_TRACE_ID")) {
    environment.push_back({{"name", std::string(trace::kEnvironmentVariable)}, {"value", header}});
  }
  Json vpc = {{"subnets", subnets_},
              {"assignPublicIp", options.assign_public_ip ? "ENABLED" : "DISABLED"}};
  if (!security_groups_.empty()) vpc["securityGroups"] = security_groups_;
  return {
      {"cluster", cluster_},
      {"taskDefinition", options.revision && !options.revision->empty()
                             ? task_name + ":" + *options.revision
                             : task_name},
      {"count", options.count},
      {"launchType", options.launch_type},
      {"networkConfiguration", {{"awsvpcConfiguration", vpc}}},
      {"overrides",
       {{"containerOverrides", Json::array({{{"name", options.container_name.value_or(task_name)},
                                             {"environment", environment}}})}}}};
}

std::string FargateExecutor::run_task(const std::string& task_name, const EnvMap& envs,
                                      const RunTaskOptions& options) const {
  auto request = run_task_request(task_name, envs, options);
  // The same token on every attempt: a retried RunTask whose first attempt did reach ECS starts
  // no second set of tasks.
  request["clientToken"] = client_token();
  auto reply = client_.json(std::string(kTarget) + "RunTask", "1.1", request);
  std::string failures;
  if (auto it = reply.find("failures"); it != reply.end() && it->is_array()) {
    for (const auto& failure : *it) {
      if (!failures.empty()) failures += "; ";
      failures += string_of(failure, "reason").value_or("unknown reason");
      if (auto detail = string_of(failure, "detail")) failures += " (" + *detail + ")";
    }
  }
  auto tasks = reply.find("tasks");
  if (tasks == reply.end() || !tasks->is_array() || tasks->empty()) {
    throw TaskNotStartedError("No tasks were started for " + task_name +
                              (failures.empty() ? "" : ": " + failures));
  }
  if (!failures.empty()) {
    Logger("aws_helper.fargate").warn("RunTask {} reported failures: {}", task_name, failures);
  }
  auto arn = string_of(tasks->front(), "taskArn");
  if (!arn) throw TaskNotStartedError("RunTask reply for " + task_name + " has no taskArn");
  return *arn;
}

std::vector<std::optional<std::string>> FargateExecutor::run_task_batch(
    const std::string& task_name, const std::vector<EnvMap>& envs_list,
    const RunTaskOptions& options) const {
  std::vector<std::optional<std::string>> arns;
  arns.reserve(envs_list.size());
  for (const auto& envs : envs_list) {
    try {
      arns.emplace_back(run_task(task_name, envs, options));
    } catch (const std::exception& error) {
      Logger("aws_helper.fargate")
          .error("Error running Fargate task {}: {}", task_name, error.what());
      arns.emplace_back(std::nullopt);
    }
  }
  return arns;
}

TaskStatus FargateExecutor::get_task_status(const std::string& task_arn) const {
  auto reply = client_.json(std::string(kTarget) + "DescribeTasks", "1.1",
                            {{"cluster", cluster_}, {"tasks", Json::array({task_arn})}});
  TaskStatus status;
  status.task_arn = task_arn;
  auto tasks = reply.find("tasks");
  if (tasks == reply.end() || !tasks->is_array() || tasks->empty()) {
    status.status = "NOT_FOUND";
    return status;
  }
  const Json& task = tasks->front();
  status.status = string_of(task, "lastStatus").value_or("");
  status.desired_status = string_of(task, "desiredStatus").value_or("");
  status.started_at = iso_time(task, "startedAt");
  status.stopped_at = iso_time(task, "stoppedAt");
  status.stop_reason = string_of(task, "stoppedReason");
  if (auto containers = task.find("containers");
      containers != task.end() && containers->is_array() && !containers->empty()) {
    if (auto code = containers->front().find("exitCode");
        code != containers->front().end() && code->is_number_integer()) {
      status.exit_code = code->get<int>();
    }
  }
  return status;
}

}  // namespace aws_helper
