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
#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/schema.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

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

  // Checks data() before process(); throw ValueError (or any Error) to refuse the event.
  virtual void validate() {}

  // The work. The returned value becomes the envelope's `data`.
  virtual Json process() = 0;

  [[nodiscard]] Json& data() noexcept { return data_; }
  [[nodiscard]] const Json& data() const noexcept { return data_; }
  // data() as the schema struct T (see schema.hpp); validated here when schema() is not T's.
  template <class T>
  [[nodiscard]] T input() const {
    const auto& typed = schema_of<T>();
    return schema() == &typed ? typed.to_struct(data_) : typed.parse(data_);
  }
  // The whole event as received.
  [[nodiscard]] const Json& event() const noexcept { return event_; }
  [[nodiscard]] const runtime::InvocationContext& context() const noexcept { return context_; }

 protected:
  // Makes the envelope {"success": false, "error": message, "error_type": type, "data": <what
  // process() returned>}: a partial failure whose details the caller still needs (index sync).
  void report_failure(std::string message, std::string error_type = "PartialFailure") {
    failure_ = std::make_pair(std::move(message), std::move(error_type));
  }

 private:
  friend Json run_lambda(Lambda&, const Json&, const runtime::InvocationContext&, std::string_view);

  std::optional<std::pair<std::string, std::string>> failure_;
  Json event_;
  Json data_;
  runtime::InvocationContext context_;
};

// Runs one invocation and returns the envelope. Every std::exception becomes an error envelope;
// anything else propagates to the runtime loop, the framework's only catch-all.
Json run_lambda(Lambda& lambda, const Json& event, const runtime::InvocationContext& context,
                std::string_view class_name = "Lambda");

// The envelope for a failure: {"success": false, "error": <what()>, "error_type": <type>}.
[[nodiscard]] Json error_envelope(const std::exception& error);

}  // namespace aws_helper
