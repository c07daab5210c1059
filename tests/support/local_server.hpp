// `bootstrap serve` of a service on a free loopback port, for the lifetime of the object.
#pragma once

#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <unistd.h>

#include "support/ports.hpp"
#include "support/process.hpp"

namespace aws_helper::testing {

class LocalServer {
 public:
  LocalServer(const std::string& bootstrap, std::vector<std::string> extra = {},
              const std::map<std::string, std::string>& env = {})
      : port_(unused_port()) {
    std::vector<std::string> args = {bootstrap, "serve", "--port", std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    log_ = "/tmp/aws-helper-serve-" + std::to_string(::getpid()) + "-" + std::to_string(port_) +
           ".log";
    process_ = std::make_unique<Process>(args, log_, env);
    for (int i = 0; i < 500; ++i) {
      httplib::Client probe("127.0.0.1", port_);
      probe.set_connection_timeout(0, 100000);
      if (probe.Options("/")) return;  // any HTTP answer means it is up
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("bootstrap serve did not start");
  }
  ~LocalServer() {
    process_.reset();
    ::unlink(log_.c_str());
  }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  [[nodiscard]] httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    return client;
  }
  [[nodiscard]] int port() const noexcept { return port_; }

  // SIGTERM, as a container stop sends it; the exit code (-1: killed or still running at
  // `limit`).
  int terminate_and_wait(std::chrono::milliseconds limit) {
    process_->signal(SIGTERM);
    return process_->wait(limit);
  }

  // Everything the server printed so far (its log lines).
  [[nodiscard]] std::string output() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  int port_;
  std::string log_;
  std::unique_ptr<Process> process_;
};

}  // namespace aws_helper::testing
