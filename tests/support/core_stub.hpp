// A stand-in for core, the estate's own service, served on loopback by the test process:
// GET /services (the registry), GET /jwks (the signing keys) and GET /services/settings.
// Core is the user's service, not a third-party peer, so this is the one place a stub is right.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

namespace aws_helper::testing {

class CoreStub {
 public:
  struct Seen {
    std::string path;
    std::string query_service;  // ?service=
    std::string authorization;
  };

  CoreStub() {
    server_.set_keep_alive_max_count(1);  // no idle connection holds stop() up
    server_.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      seen_.push_back(
          {req.path, req.get_param_value("service"), req.get_header_value("Authorization")});
      auto it = replies_.find(req.path);
      if (it == replies_.end()) {
        res.status = 404;
        return;
      }
      res.status = it->second.first;
      res.set_content(it->second.second, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CoreStub() {
    server_.stop();
    thread_.join();
  }
  CoreStub(const CoreStub&) = delete;
  CoreStub& operator=(const CoreStub&) = delete;

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // What GET `path` answers from now on.
  void reply(const std::string& path, std::string body, int status = 200) {
    std::lock_guard lock(mutex_);
    replies_[path] = {status, std::move(body)};
  }
  [[nodiscard]] std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  [[nodiscard]] int calls(const std::string& path) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& request : seen_) n += request.path == path ? 1 : 0;
    return n;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<int, std::string>> replies_;
  std::vector<Seen> seen_;
};

}  // namespace aws_helper::testing
