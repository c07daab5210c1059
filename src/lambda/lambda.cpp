#include <aws_helper/document.hpp>
#include <aws_helper/error.hpp>
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

Json run_lambda(Lambda& lambda, const Json& event, const runtime::InvocationContext& context,
                std::string_view class_name) {
  lambda.name_logger(class_name);
  lambda.failure_.reset();
  lambda.context_ = context;
  SessionScope scope{Session{}};
  try {
    if (!event.is_object()) throw ValueError("The event must be a JSON object");
    lambda.event_ = event;
    auto data = event.find("data");
    lambda.data_ = data != event.end() ? *data : event;

    set_session(session_from_event(event, lambda.requires_state()));
    if (const Schema* schema = lambda.schema()) lambda.data_ = schema->validate(lambda.data_);
    lambda.validate();
    Json result = lambda.process();

    Json envelope = Json::object();
    envelope["success"] = !lambda.failure_.has_value();
    if (lambda.failure_) {
      envelope["error"] = lambda.failure_->first;
      envelope["error_type"] = lambda.failure_->second;
    }
    // As the seed: ObjectId, dates, Decimal128, binary leave as plain JSON.
    envelope["data"] = serialize_mongo_types(result);
    return envelope;
  } catch (const std::exception& error) {
    lambda.logger().error("Error in Lambda execution: {}", error.what());
    return error_envelope(error);
  }
}

}  // namespace aws_helper
