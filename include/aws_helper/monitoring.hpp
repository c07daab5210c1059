// process_run: a run's start and end, published as aws-python-helper 1.8's monitoring/run.py
// publishes them, so core records C++ and Python runs alike.
//
//   aws_helper::process_run([&](aws_helper::RunReporter& run) {
//     for (const auto& region : regions) { sync(region); run.count("regions_synced"); }
//   });
//
//   // or as a scope, where a callable does not fit:
//   aws_helper::ProcessRun run({.scope = "ct"});
//   run.count("rows", 500);
//   run.succeed();            // or run.fail(error); neither: decided when the scope ends
//
// Each event goes to PROCESS_RUNS_TOPIC_ARN through SNSPublisher (the session attribute
// included) as {"content": {...}}: `launched` on entry with run_id, process_code, state,
// parent_run_id, request_id, started_at, scope, resource_arn; then `success` or `failed` with
// finished_at, counters, scope and (failed) error "<Type>: <message>" cut at 2000 bytes. Unset
// fields are left out. The process code is the one given, else PROCESS_CODE, else
// AWS_LAMBDA_FUNCTION_NAME; the state the one given, else the session's.
//
// Monitoring never breaks what it monitors: no code, no topic, SNS down or refusing are logged
// and the run goes on. Nothing here throws into the caller; the callable's own exception is
// reported as `failed` and rethrown unchanged.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <aws_helper/json.hpp>

namespace aws_helper {

struct ProcessRunOptions {
  std::optional<std::string> process_code = std::nullopt;  // else PROCESS_CODE, function name
  std::optional<std::string> run_id = std::nullopt;        // else a random UUID
  std::optional<std::string> parent_run_id = std::nullopt;
  std::optional<std::string> scope = std::nullopt;
  std::optional<std::string> state = std::nullopt;  // else the session's state
  std::optional<std::string> resource_arn = std::nullopt;
  std::optional<std::string> request_id = std::nullopt;
};

// What the process tells about itself inside the run.
class RunReporter {
 public:
  RunReporter(std::string run_id, std::string process_code)
      : run_id_(std::move(run_id)), process_code_(std::move(process_code)) {}
  void count(const std::string& name, std::int64_t amount = 1) { counters_[name] += amount; }
  // Narrows the scope reported at the end (e.g. the region actually processed).
  void set_scope(std::string scope) { scope_ = std::move(scope); }

  [[nodiscard]] const std::string& run_id() const noexcept { return run_id_; }
  [[nodiscard]] const std::string& process_code() const noexcept { return process_code_; }
  [[nodiscard]] const std::map<std::string, std::int64_t>& counters() const noexcept {
    return counters_;
  }
  [[nodiscard]] const std::optional<std::string>& scope() const noexcept { return scope_; }

 private:
  std::string run_id_;
  std::string process_code_;
  std::map<std::string, std::int64_t> counters_;
  std::optional<std::string> scope_;
};

// The process code: `explicit_code`, else PROCESS_CODE, else AWS_LAMBDA_FUNCTION_NAME.
[[nodiscard]] std::optional<std::string> resolve_process_code(
    const std::optional<std::string>& explicit_code = std::nullopt);

// A run as a scope: publishes `launched` when constructed; `success` or `failed` once, on
// succeed()/fail() or when destroyed (failed when destroyed by an exception in flight).
class ProcessRun {
 public:
  explicit ProcessRun(ProcessRunOptions options = {});
  ~ProcessRun();
  ProcessRun(const ProcessRun&) = delete;
  ProcessRun& operator=(const ProcessRun&) = delete;

  void count(const std::string& name, std::int64_t amount = 1) { reporter_.count(name, amount); }
  [[nodiscard]] RunReporter& reporter() noexcept { return reporter_; }
  // False when there was no process code (nothing is published).
  [[nodiscard]] bool reported() const noexcept { return reported_; }

  void succeed() noexcept;
  void fail(const std::exception& error) noexcept;
  void fail(const std::string& error) noexcept;

 private:
  void finish(const char* status, const std::optional<std::string>& error) noexcept;

  ProcessRunOptions options_;
  RunReporter reporter_;
  Json common_;
  std::string started_at_;
  bool reported_ = false;
  bool finished_ = false;
  int exceptions_at_start_ = 0;
};

// Runs `work(reporter)` inside a ProcessRun and returns what it returns; its exception is
// published as `failed` and rethrown.
template <class Work>
decltype(auto) process_run(Work&& work, ProcessRunOptions options = {}) {
  ProcessRun run(std::move(options));
  try {
    if constexpr (std::is_void_v<decltype(work(run.reporter()))>) {
      std::forward<Work>(work)(run.reporter());
      run.succeed();
    } else {
      decltype(auto) result = std::forward<Work>(work)(run.reporter());
      run.succeed();
      return result;
    }
  } catch (const std::exception& error) {
    run.fail(error);
    throw;
  } catch (...) {
    run.fail(std::string("unknown exception"));
    throw;
  }
}

}  // namespace aws_helper
