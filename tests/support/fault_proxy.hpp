// A fault-injecting TCP proxy for the fault-matrix tests: listens on a loopback port and
// forwards to an upstream (FerretDB, an HTTP peer), doing to the bytes what the test asks.
//
//   FaultProxy proxy(ferretdb_port);
//   Cluster cluster("mongodb://127.0.0.1:" + std::to_string(proxy.port()) + "/");
//   proxy.set(FaultProxy::Mode::stall);   // the server hangs: nothing is forwarded any more
//
// Modes (they apply to connections already open as well as to new ones):
//   pass      forward both ways
//   stall     keep every connection open but forward nothing (a SIGSTOPped server, a
//             black-holed route); new connections are accepted and stall too
//   slow      forward, but wait `delay` before each chunk from the upstream
//   refuse    close new connections at once (a server that is down); open ones go on
// And one-shot faults:
//   reset_all()           RST every open connection (a restarted server, a dropped NAT entry)
//   cut_next_reply(n)     forward the next n bytes from the upstream, then RST that connection
//                         (a reset in the middle of a reply)
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aws_helper::testing {

class FaultProxy {
 public:
  enum class Mode : std::uint8_t { pass, stall, slow, refuse };

  explicit FaultProxy(int upstream_port) : upstream_port_(upstream_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof(addr);
    if (::bind(listener_, as_sockaddr(addr), sizeof(addr)) != 0 || ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, as_sockaddr(addr), &len) != 0) {
      ::close(listener_);
      throw std::runtime_error("FaultProxy: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~FaultProxy() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    std::lock_guard lock(mutex_);
    for (auto& link : links_) link->thread.join();
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }

  void set(Mode mode, std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    delay_ms_ = static_cast<int>(delay.count());
    mode_ = mode;
  }

  void reset_all() { ++reset_generation_; }

  void cut_next_reply(std::size_t bytes) {
    cut_after_ = static_cast<std::int64_t>(bytes);
    cut_armed_ = true;
  }

  // Connections accepted so far (each client connection counts once).
  [[nodiscard]] int accepted() const noexcept { return accepted_; }

 private:
  struct Link {
    int client = -1;
    int upstream = -1;
    std::thread thread;
  };

  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    return addr;
  }
  static sockaddr* as_sockaddr(sockaddr_in& addr) {
    return reinterpret_cast<sockaddr*>(&addr);  // NOLINT: the sockets API
  }
  // Closes with RST rather than FIN, as a crashed or restarted peer would look.
  static void hard_close(int fd) {
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    ::close(fd);
  }
  static bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
      auto sent = ::send(fd, data, size, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data += sent;
      size -= static_cast<std::size_t>(sent);
    }
    return true;
  }

  void accept_loop() {
    while (!stopping_) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) {
        if (stopping_) return;
        continue;
      }
      ++accepted_;
      if (mode_ == Mode::refuse) {
        hard_close(client);
        continue;
      }
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = loopback(upstream_port_);
      if (::connect(upstream, as_sockaddr(addr), sizeof(addr)) != 0) {
        ::close(upstream);
        hard_close(client);
        continue;
      }
      std::lock_guard lock(mutex_);
      auto link = std::make_unique<Link>();
      link->client = client;
      link->upstream = upstream;
      Link* raw = link.get();
      link->thread = std::thread([this, raw] { forward(*raw); });
      links_.push_back(std::move(link));
    }
  }

  void forward(Link& link) {
    int generation = reset_generation_;
    std::array<char, 16384> buffer{};
    while (!stopping_) {
      if (reset_generation_ != generation) break;
      if (mode_ == Mode::stall) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      std::array<pollfd, 2> fds{{{link.client, POLLIN, 0}, {link.upstream, POLLIN, 0}}};
      if (::poll(fds.data(), fds.size(), 20) < 0) break;
      if (mode_ == Mode::stall) continue;  // the poll saw data, but the server "hangs" now
      bool closed = false;
      for (std::size_t i = 0; i < 2 && !closed; ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        auto got = ::recv(fds[i].fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) {
          closed = true;
          break;
        }
        auto size = static_cast<std::size_t>(got);
        int to = i == 0 ? link.upstream : link.client;
        if (i == 1) {  // from the upstream
          if (mode_ == Mode::slow)
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
          if (cut_armed_) {
            auto keep = static_cast<std::size_t>(std::max<std::int64_t>(cut_after_, 0));
            if (keep < size) {
              cut_armed_ = false;
              send_all(to, buffer.data(), keep);
              generation = -1;  // RST this connection below
              closed = true;
              break;
            }
            cut_after_ -= static_cast<std::int64_t>(size);
          }
        }
        if (!send_all(to, buffer.data(), size)) closed = true;
      }
      if (closed) break;
    }
    hard_close(link.client);
    hard_close(link.upstream);
  }

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<Mode> mode_{Mode::pass};
  std::atomic<int> delay_ms_{0};
  std::atomic<int> reset_generation_{0};
  std::atomic<bool> cut_armed_{false};
  std::atomic<std::int64_t> cut_after_{0};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::list<std::unique_ptr<Link>> links_;
};

}  // namespace aws_helper::testing
