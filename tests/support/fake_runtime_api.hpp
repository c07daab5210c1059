// An in-process stand-in for the Lambda Runtime API, for unit tests of the runtime loop.
// The loop under test talks to it over real HTTP on loopback; end-to-end tests use the real
// emulator instead (tests/integration).
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace aws_helper::testing {

struct FakeInvocation {
  std::string request_id;
  std::string payload;
  httplib::Headers extra_headers;  // Lambda-Runtime-* headers beyond the request id
};

struct Posted {
  std::string path;
  httplib::Headers headers;
  std::string body;
};

class FakeRuntimeApi {
 public:
  FakeRuntimeApi() {
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard lock(mutex_);
                  ++next_calls_;
                  if (failures_before_next_ > 0) {
                    --failures_before_next_;
                    res.status = 503;
                    return;
                  }
                  if (next_status_ != 200 || queue_.empty()) {
                    res.status = queue_.empty() && next_status_ == 200 ? 404 : next_status_;
                    return;
                  }
                  FakeInvocation invocation = queue_.front();
                  queue_.pop_front();
                  res.set_header("Lambda-Runtime-Aws-Request-Id", invocation.request_id);
                  for (const auto& [key, value] : invocation.extra_headers)
                    res.set_header(key, value);
                  res.set_content(invocation.payload, "application/json");
                });
    server_.Post(
        R"(/2018-06-01/runtime/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard lock(mutex_);
          posted_.push_back({req.path, req.headers, req.body});
          bool is_response =
              req.path.size() > 9 && req.path.compare(req.path.size() - 9, 9, "/response") == 0;
          res.status = is_response ? response_status_ : 202;
          res.set_content("{\"status\":\"OK\"}", "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRuntimeApi() {
    server_.stop();
    thread_.join();
  }
  FakeRuntimeApi(const FakeRuntimeApi&) = delete;
  FakeRuntimeApi& operator=(const FakeRuntimeApi&) = delete;

  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  void enqueue(FakeInvocation invocation) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(invocation));
  }
  void fail_next_times(int n) {
    std::lock_guard lock(mutex_);
    failures_before_next_ = n;
  }
  void set_next_status(int status) {
    std::lock_guard lock(mutex_);
    next_status_ = status;
  }
  void set_response_status(int status) {
    std::lock_guard lock(mutex_);
    response_status_ = status;
  }
  [[nodiscard]] std::vector<Posted> posted() {
    std::lock_guard lock(mutex_);
    return posted_;
  }
  [[nodiscard]] int next_calls() {
    std::lock_guard lock(mutex_);
    return next_calls_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::deque<FakeInvocation> queue_;
  std::vector<Posted> posted_;
  int failures_before_next_ = 0;
  int next_status_ = 200;
  int response_status_ = 202;
  int next_calls_ = 0;
};

}  // namespace aws_helper::testing
