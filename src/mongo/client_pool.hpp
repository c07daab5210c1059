// A cluster's client pool, the client an operation borrows from it, and the state of an open
// cursor. Private to the mongo layer.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "mongo/driver.hpp"

namespace aws_helper::detail {

// What an operation needs at least to be worth starting before the invocation's deadline.
inline constexpr std::chrono::milliseconds kDeadlineMargin{100};

// One client pool. libmongoc is initialised once per process, before the first pool. The
// connection string is checked at once (a bad one fails the start); the driver's pool is made
// at the first operation, when the deadline of the invocation is known (see set_timeouts()).
class Pool {
 public:
  // ConfigurationError for a connection string the driver refuses.
  explicit Pool(const std::string& connection_string);
  // The driver's pool, made on first use. ConfigurationError when the driver cannot make it.
  [[nodiscard]] mongoc_client_pool_t* get();

 private:
  void set_timeouts();

  mongo::driver::UriHandle uri_;
  mongo::driver::ClientPoolHandle pool_;  // declared after uri_: destroyed before it
  std::once_flag made_;
  std::set<std::string, std::less<>> user_set_;  // the timeouts the connection string sets
};

// Throws MongoUnavailableError when the invocation has no time left for an operation: the
// caller gets a typed 503 while it can still answer, rather than Lambda's timeout.
void check_deadline();

// A client borrowed from a pool for the length of one operation (or one cursor).
class Lease {
 public:
  explicit Lease(std::shared_ptr<Pool> pool);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease(Lease&&) = delete;
  Lease& operator=(Lease&&) = delete;
  [[nodiscard]] mongoc_client_t* get() const noexcept { return client_; }
  // A handle on `database`.`collection` through this client.
  [[nodiscard]] mongo::driver::CollectionHandle collection(const std::string& database,
                                                           const std::string& name) const;

 private:
  std::shared_ptr<Pool> pool_;
  mongoc_client_t* client_ = nullptr;
};

}  // namespace aws_helper::detail
