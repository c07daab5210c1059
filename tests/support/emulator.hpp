// Runs a service's bootstrap under the real AWS Lambda Runtime Interface Emulator, on free
// loopback ports, for the lifetime of the object. The emulator and the bootstrap run in their
// own process group, which the destructor kills, so a failing test leaves nothing behind.
#pragma once

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/ports.hpp"

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
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
      }
      for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    wait_until_listening();
  }

  ~Emulator() {
    if (pid_ > 0) {
      // SIGTERM first: the emulator then kills the bootstrap, which runs in a process group of
      // its own that killing ours would miss. SIGKILL only if the emulator does not exit.
      ::kill(pid_, SIGTERM);
      bool exited = false;
      for (int i = 0; i < 200 && !exited; ++i) {
        exited = ::waitpid(pid_, nullptr, WNOHANG) == pid_;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (!exited) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
    }
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

  pid_t pid_ = -1;
  int invoke_port_ = 0;
  std::string log_path_;
};

}  // namespace aws_helper::testing
