// Idempotency on MongoDB: "process this once" for at-least-once deliveries (SQS, SNS, Lambda's
// retries of asynchronous invocations, clients retrying a POST).
//
// A handler opts in by returning a config from idempotency():
//
//   class OrderPlacedConsumer : public aws_helper::SQSConsumer {
//    public:
//     std::optional<aws_helper::IdempotencyConfig> idempotency() const override {
//       return aws_helper::IdempotencyConfig{};  // keyed by the message id
//     }
//     void process_record(const aws_helper::Json& record) override { ... }
//   };
//
// The first run of a key inserts an IN_PROGRESS record (its own, shorter expiry, so a crashed
// run can be retried), runs the handler, and stores the result as COMPLETED until the record
// expires. A repeat within that window does not run the handler: a Lambda gets the stored
// envelope, an SQS record counts as processed, an API request gets the stored reply, a task
// exits 0. The same key with another payload is refused (IdempotencyKeyMismatchError); a
// repeat while the first still runs gets IdempotencyAlreadyInProgressError (an SQS record
// fails and is redelivered later). Concurrent duplicates are decided by the collection's
// unique _id: exactly one inserts the record and runs. A failed run removes its record, so a
// retry runs again. docs/idempotency.md has the details and the record's fields.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo.hpp>

namespace aws_helper {

struct IdempotencyConfig {
  // What makes the key, as JSON pointers into the payload ("/order_id", "/customer/id").
  // Empty: the kind's default — a Lambda's whole data(), an SQS record's message id (the SNS
  // MessageId when the record is an SNS notification, so SNS's own duplicates match too), an
  // API request's Idempotency-Key header, a task's RUN_ID. For a task, the entries name
  // environment variables instead ("RUN_ID").
  std::vector<std::string> key{};
  // How long a completed result is kept and replayed.
  std::chrono::seconds expires_after{std::chrono::hours(1)};
  // How long a run may hold the key before a repeat may take it over (a crashed or timed-out
  // run). 0: the invocation's remaining time when it has a deadline, else 15 minutes.
  std::chrono::seconds in_progress_expires_after{0};
  // A payload without the key: true refuses it (IdempotencyKeyError, a 400); false (the
  // default) runs it without idempotency and logs a warning.
  bool raise_on_missing_key = false;
  // Where records live. database: empty means the session state's database when there is a
  // state, else IDEMPOTENCY_DB_NAME, else "idempotency". collection: empty means
  // IDEMPOTENCY_COLLECTION, else "<SERVICE_NAME>_idempotency" ("idempotency" without one).
  std::string database{};
  std::string collection{};
  // The clock expiry is computed with; the system clock when empty. For tests.
  std::function<std::chrono::system_clock::time_point()> clock{};
};

// The same key was used with another payload within the expiry window.
class IdempotencyKeyMismatchError : public Error {
 public:
  explicit IdempotencyKeyMismatchError(const std::string& message)
      : Error("IdempotencyKeyMismatch", message, 422) {}
};

// A run with the same key is in progress (and its in-progress expiry has not passed).
class IdempotencyAlreadyInProgressError : public Error {
 public:
  explicit IdempotencyAlreadyInProgressError(const std::string& message)
      : Error("IdempotencyAlreadyInProgress", message, 409) {}
};

// The payload lacks the key and the config says raise_on_missing_key.
class IdempotencyKeyError : public Error {
 public:
  explicit IdempotencyKeyError(const std::string& message)
      : Error("IdempotencyKeyError", message, 400) {}
};

namespace idempotency {

// SHA-256 (hex) of the value's canonical JSON: object keys sorted at every level, so the same
// document hashes the same whatever order its keys arrived in.
[[nodiscard]] std::string hash(const Json& value);

// The key material for `config.key` (JSON pointers) in `payload`: the values found, as an
// array in the config's order, or the whole payload when the config names none. nullopt when
// a pointer is malformed or finds nothing, or finds null.
[[nodiscard]] std::optional<Json> key_material(const IdempotencyConfig& config,
                                               const Json& payload);

// One idempotent unit of work on the store: claim() decides; the caller runs the work when it
// owns the key, then complete()s or release()s.
class Record {
 public:
  enum class Outcome {
    run,       // this run owns the key: do the work
    replay,    // a completed result is stored: stored_result() holds it
    disabled,  // no key in the payload and raise_on_missing_key is false: run unprotected
  };

  // `scope` names the handler (e.g. "sqs:OrderPlacedConsumer"); `key` is the key material
  // (key_material()) and `payload` what is hashed to tell a repeat from a mismatch.
  // The in-progress expiry defaults to the invocation's time left (deadline.hpp).
  Record(IdempotencyConfig config, std::string_view scope, const std::optional<Json>& key,
         const Json& payload);

  // Claims the key. Throws IdempotencyKeyMismatchError, IdempotencyAlreadyInProgressError,
  // IdempotencyKeyError, or the MongoDB layer's errors (the store being down fails the work
  // rather than running it unprotected).
  Outcome claim();
  // The result a completed run stored (JSON text as given to complete()).
  [[nodiscard]] const std::string& stored_result() const noexcept { return stored_; }
  // Stores the result and marks the record COMPLETED. A run that lost its key to a takeover
  // (its in-progress expiry passed) changes nothing and logs it. Never throws: the work is
  // done whatever the store says; a record that could not be completed is logged and stays
  // IN_PROGRESS until its in-progress expiry, after which a repeat runs again.
  void complete(const std::string& result) noexcept;
  // Removes this run's in-progress record so a retry runs again. Never throws (logged).
  void release() noexcept;

  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  [[nodiscard]] const Collection& collection() const noexcept { return collection_; }

 private:
  [[nodiscard]] std::chrono::system_clock::time_point now() const;

  IdempotencyConfig config_;
  std::string id_;
  std::string payload_hash_;
  std::string token_;
  Collection collection_;
  std::chrono::seconds in_progress_for_{0};
  std::string stored_;
  bool enabled_ = true;
  bool claimed_ = false;  // claim() said run: complete() and release() act
};

// The collection records go to for this config and the current session (see
// IdempotencyConfig::database); its TTL index on expires_at is made once per process.
[[nodiscard]] Collection store_for(const IdempotencyConfig& config);

}  // namespace idempotency
}  // namespace aws_helper
