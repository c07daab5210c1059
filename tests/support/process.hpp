// A child process for tests: started in its own process group, output appended to a log file,
// stopped by the destructor: SIGTERM to the group, SIGKILL after two seconds. (A program that
// puts children in groups of their own, as the Lambda emulator does, must stop them on SIGTERM.)
#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace aws_helper::testing {

class Process {
 public:
  // `env` entries are set in the child on top of the inherited environment.
  Process(std::vector<std::string> args, const std::string& log_path,
          const std::map<std::string, std::string>& env = {}) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
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
  }
  ~Process() { stop(); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Waits for the process to exit by itself and returns its exit code (-1 when it was killed
  // by a signal or outlived `limit`, in which case it is stopped).
  int wait(std::chrono::milliseconds limit) {
    auto give_up = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0 && std::chrono::steady_clock::now() < give_up) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop();
    return -1;
  }

  // Sends `sig` to the process group (SIGSTOP / SIGCONT to hang and resume a server).
  void signal(int sig) const {
    if (pid_ > 0) ::kill(-pid_, sig);
  }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    ::kill(-pid_, SIGCONT);  // a stopped process only sees SIGTERM once it runs
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace aws_helper::testing
