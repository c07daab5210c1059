// The driver's errors as the framework's typed exceptions, and the reply documents they come
// with. Private to the mongo layer.
#pragma once

#include <cstdint>

#include <bson/bson.h>

#include <aws_helper/json.hpp>

namespace aws_helper::mongo {

// An initialised stack bson_t for a driver's reply, destroyed with the scope.
class Reply {
 public:
  Reply() { bson_init(&doc_); }
  ~Reply() { bson_destroy(&doc_); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  Reply(Reply&&) = delete;
  Reply& operator=(Reply&&) = delete;
  [[nodiscard]] bson_t* get() noexcept { return &doc_; }
  [[nodiscard]] Json json() const;

 private:
  bson_t doc_;
};

// The driver's error as a typed exception:
//   E11000 / E11001                         DuplicateKeyError (409), with the key
//   server selection, stream, authentication MongoUnavailableError (503); the host names and
//                                           ports of the driver's text go to the log only
//   anything else                           MongoCommandError (500) with the server's message
// `reply` (the server's reply, when there is one) gives the duplicate key's details.
[[noreturn]] void raise(const bson_error_t& error, const Json* reply = nullptr);
[[noreturn]] void raise(const bson_error_t& error, const Reply& reply);

// An integer count in a reply ({"n": 3} or {"n": {"$numberLong": "3"}}); 0 when absent.
[[nodiscard]] std::int64_t count_field(const Json& reply, const char* key);

}  // namespace aws_helper::mongo
