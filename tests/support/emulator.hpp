// Runs a service's bootstrap under the real AWS Lambda Runtime Interface Emulator, on free
// loopback ports, for the lifetime of the object. The emulator and the bootstrap run in their
// own process group, which the destructor kills, so a failing test leaves nothing behind.
#pragma once

#include <chrono>
#include <cstdlib>
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

// The emulator binary: $AWS_HELPER_RIE, else the one ./scripts/setup installs.
inline std::string emulator_path() {
  if (const char* configured = std::getenv("AWS_HELPER_RIE")) return configured;
  return std::string(AWS_HELPER_SOURCE_DIR) + "/.peers/bin/aws-lambda-rie";
}

struct Reply {
  int status = 0;
  std::string body;
};

class Emulator {
 public:
  // `handler` is passed as the bootstrap's argument, as Lambda's _HANDLER would be.
  Emulator(const std::string& bootstrap, const std::string& handler,
           std::map<std::string, std::string> env = {}) {
    std::string rie = emulator_path();
    if (::access(rie.c_str(), X_OK) != 0) {
      throw std::runtime_error("The Runtime Interface Emulator is not at " + rie +
                               "; run ./scripts/setup (or ./scripts/test) first");
    }
    invoke_port_ = unused_port();
    int runtime_port = unused_port();
    log_path_ = "/tmp/aws-helper-rie-" + std::to_string(::getpid()) + "-" +
                std::to_string(invoke_port_) + ".log";
    std::string invoke_address = "127.0.0.1:" + std::to_string(invoke_port_);
    std::string runtime_address = "127.0.0.1:" + std::to_string(runtime_port);
    std::vector<std::string> args = {rie,
                                     "--runtime-interface-emulator-address",
                                     invoke_address,
                                     "--runtime-api-address",
                                     runtime_address,
                                     bootstrap,
                                     handler};
    process_ = std::make_unique<Process>(std::move(args), log_path_, env);
    wait_until_listening();
  }

  ~Emulator() {
    // SIGTERM first (Process::stop): the emulator then kills the bootstrap, which runs in a
    // process group of its own that killing ours would miss.
    process_.reset();
    ::unlink(log_path_.c_str());
  }
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  [[nodiscard]] int invoke_port() const { return invoke_port_; }

  Reply invoke(const std::string& payload, const httplib::Headers& headers = {}) const {
    httplib::Client client("127.0.0.1", invoke_port_);
    client.set_read_timeout(60, 0);
    auto result = client.Post("/2015-03-31/functions/function/invocations", headers, payload,
                              "application/json");
    if (!result) throw std::runtime_error("invoke failed: " + httplib::to_string(result.error()));
    return {result->status, result->body};
  }

  // Everything the emulator and the bootstrap printed so far.
  [[nodiscard]] std::string output() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void wait_until_listening() {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      httplib::Client probe("127.0.0.1", invoke_port_);
      probe.set_connection_timeout(0, 100000);
      if (probe.Get("/")) return;  // any HTTP answer means it is up
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("the emulator did not start; its output:\n" + output());
  }

  std::unique_ptr<Process> process_;
  int invoke_port_ = 0;
  std::string log_path_;
};

}  // namespace aws_helper::testing
