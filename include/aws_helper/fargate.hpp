// Fargate tasks: `src/task/<kebab-name>/task.cpp` defines `<PascalName>Task`, run in the
// container as `bootstrap task <kebab-name>` (or `bootstrap task` with TASK_NAME set).
//
//   class SearchTaxByTownTask : public aws_helper::FargateTask {
//    public:
//     void execute() override {
//       auto town = require_env("TOWN");
//       db()["taxes"]["towns"].update_one({{"name", town}}, {{"$set", {{"searched", true}}}});
//     }
//   };
//
// The task's session is the SESSION variable (plain JSON, as FargateExecutor sets it); its state
// is validated before execute(). Exit code 0 when execute() returns, 1 when anything fails
// (logged with the error).
//
// FargateExecutor launches them: task definition family and container named after the task,
// the environment passed as container overrides plus SESSION (the current session), TASK_NAME
// and CONSTITUTION_STATE. ECS_CLUSTER and ECS_SUBNETS (comma separated) are required,
// ECS_SECURITY_GROUPS is optional; the region is AWS_REGION.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <aws_helper/aws.hpp>
#include <aws_helper/handler.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

using EnvMap = std::map<std::string, std::string>;

class FargateTask : public HandlerBase {
 public:
  // `envs` are looked up before the process environment (the seed's constructor argument).
  explicit FargateTask(EnvMap envs = {}) : HandlerBase("FargateTask"), envs_(std::move(envs)) {}
  virtual ~FargateTask() = default;
  FargateTask(const FargateTask&) = delete;
  FargateTask& operator=(const FargateTask&) = delete;

  // The work. Throw to fail the task.
  virtual void execute() = 0;

  // Idempotency (idempotency.hpp) by run id: with a config, a run whose key — the values of
  // the variables config.key names, RUN_ID by default — completed within the expiry exits 0
  // without running execute() again; one in progress elsewhere exits 1. A failed run, or one
  // cut short by SIGTERM, releases the key. Set in_progress_expires_after to the task's
  // longest run (the default is 15 minutes: a task has no invocation deadline).
  [[nodiscard]] virtual std::optional<IdempotencyConfig> idempotency() const {
    return std::nullopt;
  }

  // envs[key], else the variable KEY (upper case), else key (lower case), else the fallback.
  [[nodiscard]] std::optional<std::string> get_env(const std::string& key) const;
  [[nodiscard]] std::string get_env(const std::string& key, const std::string& fallback) const;
  // get_env(key), or ValueError("Required environment variable '<key>' not found"). Not
  // aws_helper::require_env on purpose, as in the Python framework: a task's variables are its
  // input (RunTask's overrides, `envs` first, KEY or key), so a missing one is a ValueError and
  // an empty one is a value; the free function reads the service's configuration
  // (ConfigurationError, empty counts as missing).
  [[nodiscard]] std::string require_env(const std::string& key) const;

  // True once the container was asked to stop during run(): ECS sends SIGTERM (StopTask, a
  // scale-in, a deployment) and SIGKILL stopTimeout later (30 s by default, at most 120 s). A
  // long task checks it between units of work and returns, so nothing is cut half-written; one
  // that never checks keeps running until the SIGKILL, as it would without the framework.
  [[nodiscard]] static bool stop_requested() noexcept;

  // Reads SESSION, validates its state, installs it (and the trace in _X_AMZN_TRACE_ID, which
  // FargateExecutor::run_task passes on: docs/tracing.md) and runs execute(). Returns the process
  // exit code: 0 on success, 1 on any failure (logged). Never throws. SIGTERM while it runs
  // sets stop_requested() instead of ending the process.
  [[nodiscard]] int run(std::string_view class_name = "FargateTask");

  void set_envs(EnvMap envs) { envs_ = std::move(envs); }

 private:
  EnvMap envs_;
};

struct RunTaskOptions {
  std::optional<std::string> container_name;  // default: the task name
  std::optional<std::string> revision;        // task definition revision; default: latest
  int count = 1;
  std::string launch_type = "FARGATE";
  bool assign_public_ip = true;
};

struct TaskStatus {
  std::string status;  // lastStatus ("PROVISIONING", "RUNNING", "STOPPED", ...), or "NOT_FOUND"
  std::string desired_status;
  std::optional<std::string> started_at;  // ISO 8601 UTC
  std::optional<std::string> stopped_at;
  std::optional<std::string> stop_reason;
  std::optional<int> exit_code;  // of the task's container, once stopped
  std::string task_arn;
  [[nodiscard]] Json to_json() const;
};

// RunTask answered but started no task (ECS's `failures`: no capacity, a bad subnet, ...), or
// named none. error_type() "TaskNotStarted"; HTTP 500.
class TaskNotStartedError : public Error {
 public:
  explicit TaskNotStartedError(const std::string& message)
      : Error("TaskNotStarted", message, 500) {}
};

class FargateExecutor {
 public:
  // Reads ECS_CLUSTER, ECS_SUBNETS, ECS_SECURITY_GROUPS and AWS_REGION; ConfigurationError
  // naming the variable when a required one is missing.
  FargateExecutor();
  FargateExecutor(std::string cluster, std::vector<std::string> subnets,
                  std::vector<std::string> security_groups = {});

  // Starts the task and returns the ARN of the first one started. AwsError when ECS refused the
  // call; TaskNotStartedError naming ECS's failures when it started none.
  std::string run_task(const std::string& task_name, const EnvMap& envs = {},
                       const RunTaskOptions& options = {}) const;

  // One run_task per environment, in order; a launch that failed is nullopt (and logged).
  [[nodiscard]] std::vector<std::optional<std::string>> run_task_batch(
      const std::string& task_name, const std::vector<EnvMap>& envs_list,
      const RunTaskOptions& options = {}) const;

  // DescribeTasks for one ARN; status "NOT_FOUND" when ECS does not know it. AwsError when the
  // call failed.
  [[nodiscard]] TaskStatus get_task_status(const std::string& task_arn) const;

  // The RunTask request body run_task() sends (for tests and dry runs).
  [[nodiscard]] Json run_task_request(const std::string& task_name, const EnvMap& envs,
                                      const RunTaskOptions& options) const;

  [[nodiscard]] const std::string& cluster() const noexcept { return cluster_; }

 private:
  std::string cluster_;
  std::vector<std::string> subnets_;
  std::vector<std::string> security_groups_;
  aws::AwsClient client_;
};

}  // namespace aws_helper
