// Standalone Lambdas: `src/lambda/<kebab-name>/main.cpp` defines `<PascalName>Lambda`.
//
//   class GenerateRouteLambda : public aws_helper::Lambda {
//    public:
//     aws_helper::Json process() override { return {{"route", data().at("from")}}; }
//   };
//
// The event is {"session": {...}, "data": {...}}; data() is event["data"], or the whole event
// when it has no "data" key. The reply is the seed's envelope: {"success": true, "data": <what
// process() returned>} or {"success": false, "error": "<message>", "error_type": "<type>"}.
// Handled errors never fail the invocation at the runtime level, so callers check `success`.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <aws_helper/error.hpp>
#include <aws_helper/handler.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/schema.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

// One invocation as run_lambda hands it to a Lambda before validate(). A unit test of a handler
// may fill it too and call validate() and process() directly (docs/testing.md).
struct LambdaInvocation {
  Json event;  // the whole event
  Json data;   // its "data" (the event itself when it has none), through the schema
  runtime::InvocationContext context;
};

class Lambda : public HandlerBase {
 public:
  Lambda() : HandlerBase("Lambda") {}
  virtual ~Lambda() = default;
  Lambda(const Lambda&) = delete;
  Lambda& operator=(const Lambda&) = delete;

  // When true (the default), the event must carry session.state; it is checked before
  // validate() and installed as the current session. When false, a session is optional and
  // installed as given.
  [[nodiscard]] virtual bool requires_state() const { return true; }

  // Optional schema for data(); see schema.hpp. nullptr (the default) means none.
  [[nodiscard]] virtual const Schema* schema() const { return nullptr; }

  // Idempotency (idempotency.hpp): with a config, a repeat of the same key (by default the
  // whole data()) within the expiry returns the stored envelope instead of running process()
  // again; only successful envelopes are stored. nullopt (the default): every event runs.
  [[nodiscard]] virtual std::optional<IdempotencyConfig> idempotency() const {
    return std::nullopt;
  }

  // Checks data() before process(); throw ValueError (or any Error) to refuse the event.
  virtual void validate() {}

  // The work. The returned value becomes the envelope's `data`.
  virtual Json process() = 0;

  [[nodiscard]] Json& data() noexcept { return invocation_.data; }
  [[nodiscard]] const Json& data() const noexcept { return invocation_.data; }
  // data() as the schema struct T (see schema.hpp); validated here when schema() is not T's.
  template <class T>
  [[nodiscard]] T input() const {
    const auto& typed = schema_of<T>();
    return schema() == &typed ? typed.to_struct(data()) : typed.parse(data());
  }
  // The whole event as received.
  [[nodiscard]] const Json& event() const noexcept { return invocation_.event; }
  [[nodiscard]] const runtime::InvocationContext& context() const noexcept {
    return invocation_.context;
  }

  // ---- the framework's side: run_lambda, or a handler's unit test ----
  // Starts an invocation: the logger named after the class, the invocation in place, no
  // failure reported yet.
  void begin(LambdaInvocation invocation, std::string_view class_name = "Lambda");
  [[nodiscard]] LambdaInvocation& invocation() noexcept { return invocation_; }
  // What report_failure() recorded ({message, error type}); nullopt when nothing was.
  [[nodiscard]] const std::optional<std::pair<std::string, std::string>>& reported_failure()
      const noexcept {
    return failure_;
  }

 protected:
  // Makes the envelope {"success": false, "error": message, "error_type": type, "data": <what
  // process() returned>}: a partial failure whose details the caller still needs (index sync).
  void report_failure(std::string message, std::string error_type = "PartialFailure") {
    failure_ = std::make_pair(std::move(message), std::move(error_type));
  }

 private:
  std::optional<std::pair<std::string, std::string>> failure_;
  LambdaInvocation invocation_;
};

// Runs one invocation and returns the envelope. Every std::exception becomes an error envelope;
// anything else propagates to the runtime loop, the framework's only catch-all.
Json run_lambda(Lambda& lambda, const Json& event, const runtime::InvocationContext& context,
                std::string_view class_name = "Lambda");

// The envelope for a failure: {"success": false, "error": <what()>, "error_type": <type>}.
[[nodiscard]] Json error_envelope(const std::exception& error);

}  // namespace aws_helper
