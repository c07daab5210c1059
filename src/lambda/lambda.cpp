#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/lambda.hpp>
#include <aws_helper/state_validator.hpp>

namespace aws_helper {

namespace {

Session session_from_event(const Json& event, bool requires_state) {
  auto it = event.find("session");
  bool present = it != event.end() && !it->is_null();
  if (present && !it->is_object()) throw ValueError("'session' must be an object");
  if (requires_state) {
    if (!present) throw ValueError("'session' with 'state' is required in the event");
    auto state = it->find("state");
    if (state == it->end() || state->is_null() ||
        (state->is_string() && state->get_ref<const std::string&>().empty())) {
      throw ValueError("'session' with 'state' is required in the event");
    }
  }
  Session session = present ? Session::from_json(*it) : Session{};
  if (requires_state) StateValidator::validate(*session.state());
  return session;
}

}  // namespace

Json error_envelope(const std::exception& error) {
  Json envelope = Json::object();
  envelope["success"] = false;
  envelope["error"] = error.what();
  envelope["error_type"] = error_type_of(error);
  if (const auto* invalid = dynamic_cast<const SchemaValidationError*>(&error))
    envelope["details"] = invalid->details();
  return envelope;
}

void Lambda::begin(LambdaInvocation invocation, std::string_view class_name) {
  name_logger(class_name);
  invocation_ = std::move(invocation);
  failure_.reset();
}

Json run_lambda(Lambda& lambda, const Json& event, const runtime::InvocationContext& context,
                std::string_view class_name) {
  LambdaInvocation invocation;
  invocation.context = context;
  lambda.begin(std::move(invocation), class_name);
  SessionScope scope{Session{}};
  std::optional<idempotency::Record> record;
  try {
    if (!event.is_object()) throw ValueError("The event must be a JSON object");
    auto& in = lambda.invocation();
    in.event = event;
    auto data = event.find("data");
    in.data = data != event.end() ? *data : event;

    set_session(session_from_event(event, lambda.requires_state()));
    if (const Schema* schema = lambda.schema()) in.data = schema->validate(in.data);
    lambda.validate();
    if (auto config = lambda.idempotency()) {
      auto key = idempotency::key_material(*config, in.data);
      record.emplace(std::move(*config), "lambda:" + std::string(class_name), key, in.data);
      if (record->claim() == idempotency::Record::Outcome::replay) {
        lambda.logger().info("A repeat of an idempotent event: the stored result is returned");
        return parse_json(record->stored_result(), "The stored idempotent result");
      }
    }
    Json result = lambda.process();

    Json envelope = Json::object();
    const auto& failure = lambda.reported_failure();
    envelope["success"] = !failure.has_value();
    if (failure) {
      envelope["error"] = failure->first;
      envelope["error_type"] = failure->second;
    }
    // As the seed: ObjectId, dates, Decimal128, binary leave as plain JSON.
    envelope["data"] = serialize_mongo_types(result);
    if (record) {
      // A partial failure is not a result to replay: the retry runs again.
      if (failure) {
        record->release();
      } else {
        record->complete(dump_json(envelope));
      }
    }
    return envelope;
  } catch (const std::exception& error) {
    if (record) record->release();
    lambda.logger().error("Error in Lambda execution: {}", error.what());
    return error_envelope(error);
  }
}

}  // namespace aws_helper
