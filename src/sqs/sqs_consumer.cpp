#include <algorithm>
#include <mutex>
#include <optional>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/sqs.hpp>

#include "sqs/sqs_engine.hpp"

namespace aws_helper {
namespace {

const Logger& module_logger() {
  static const Logger logger{"aws_helper.sqs"};
  return logger;
}

using sqs_detail::string_field;

std::optional<std::string> session_attribute(const Json& record) {
  // SNS envelope (the default delivery): MessageAttributes.session.Value in the body.
  auto body = string_field(record, "body");
  if (!body.empty() && body.front() == '{') {
    try {
      auto envelope = parse_json(body);
      if (envelope.is_object()) {
        if (auto attributes = envelope.find("MessageAttributes");
            attributes != envelope.end() && attributes->is_object()) {
          if (auto session = attributes->find("session"); session != attributes->end()) {
            auto value = string_field(*session, "Value");
            if (!value.empty()) return value;
          }
        }
      }
    } catch (const ValueError&) {
      // Not JSON: no envelope, try the record's own attributes.
    }
  }
  // Raw message delivery (or a message sent straight to the queue): the record's attributes.
  if (record.is_object()) {
    if (auto attributes = record.find("messageAttributes");
        attributes != record.end() && attributes->is_object()) {
      if (auto session = attributes->find("session"); session != attributes->end()) {
        auto value = string_field(*session, "stringValue");
        if (!value.empty()) return value;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

void SQSConsumer::process_record(const Json& /*record*/) {
  throw NotImplementedError(
      "process_record() is not implemented; override it, or return ProcessingMode::batch "
      "from processing_mode() and override process_batch()");
}

void SQSConsumer::process_batch(std::span<const Json> /*records*/) {
  throw NotImplementedError(
      "process_batch() is not implemented; override it in a batch-mode consumer");
}

void SQSConsumer::add_message_failed(const std::string& message_id, const std::string& error) {
  logger().error("Message {} failed: {}", message_id, error.empty() ? "(no reason given)" : error);
  std::lock_guard lock(failed_mutex_);
  failed_.push_back({message_id, error});
}

namespace {

// Text that means to be JSON: its first character that is not a blank opens an object or array.
bool looks_like_json(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (text[first] == '{' || text[first] == '[');
}

// The text parsed as JSON, or nullopt for plain text (passed on as {"raw": text}, as the seed
// does). Text that means to be JSON and is not — malformed, nested too deep, a number out of
// range — throws: the record fails rather than reach the consumer as raw data.
std::optional<Json> parse_unless_text(const std::string& text, const char* what) {
  if (looks_like_json(text)) return parse_json(text, what);
  try {
    return parse_json(text, what);  // "42", "\"text\"", true
  } catch (const ValueError&) {
    module_logger().warn("{} is not JSON; passing it as {{\"raw\": ...}}", what);
    return std::nullopt;
  }
}

}  // namespace

Json SQSConsumer::extract_content_message(const Json& record) {
  Json body_value;
  auto body = record.is_object() ? record.find("body") : record.end();
  if (!record.is_object() || body == record.end() || body->is_null()) {
    body_value = Json::object();
  } else if (body->is_string()) {
    const auto& text = body->get_ref<const std::string&>();
    auto parsed = parse_unless_text(text, "The record body");
    if (!parsed) return {{"raw", text}};
    body_value = std::move(*parsed);
  } else {
    body_value = *body;
  }
  if (body_value.is_object() && string_field(body_value, "Type") == "Notification") {
    auto message = body_value.find("Message");
    if (message == body_value.end()) return Json::object();
    if (!message->is_string()) return *message;
    const auto& text = message->get_ref<const std::string&>();
    auto parsed = parse_unless_text(text, "The SNS message");
    if (!parsed) return {{"raw", text}, {"sns_notification", true}};
    return std::move(*parsed);
  }
  return body_value;
}

std::optional<Session> SQSConsumer::extract_session(const Json& record) {
  auto attribute = session_attribute(record);
  if (!attribute) return std::nullopt;
  try {
    auto value = parse_json(base64_decode(*attribute), "session attribute");
    if (!value.is_object()) throw ValueError("the session attribute is not a JSON object");
    return Session::from_json(value);
  } catch (const std::exception& error) {
    module_logger().warn("Could not parse session attribute: {}", error.what());
    return std::nullopt;
  }
}

std::string SQSConsumer::get_queue_url() {
  std::vector<std::string> missing;
  auto need = [&missing](const char* name) {
    auto value = get_env(name);
    if (!value || value->empty()) missing.emplace_back(name);
    return value.value_or("");
  };
  auto region = need("AWS_REGION");
  auto account = need("AWS_ACCOUNT_ID");
  auto service = need("SERVICE_NAME");
  auto queue = need("QUEUE_NAME");
  auto env = need("ENV");
  if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    throw ConfigurationError("get_queue_url() needs " + names);
  }
  return "https://sqs." + region + ".amazonaws.com/" + account + "/" + service + queue + "-" + env;
}

namespace {

// The id SNS gave the message when the record is an SNS notification (the same for each of
// SNS's own duplicate deliveries), else the SQS message id.
std::string delivery_id(const Json& record) {
  auto body = string_field(record, "body");
  if (!body.empty() && body.front() == '{') {
    try {
      auto envelope = parse_json(body);
      if (string_field(envelope, "Type") == "Notification") {
        auto id = string_field(envelope, "MessageId");
        if (!id.empty()) return id;
      }
    } catch (const ValueError&) {
      // Not JSON: the SQS message id.
    }
  }
  return string_field(record, "messageId");
}

}  // namespace

idempotency::Record SQSConsumer::idempotency_record(const IdempotencyConfig& config,
                                                    const Json& record) const {
  Json content = extract_content_message(record);
  std::optional<Json> key;
  if (config.key.empty()) {
    auto id = delivery_id(record);
    if (!id.empty()) key = id;
  } else {
    key = idempotency::key_material(config, content);
  }
  return {config, "sqs:" + logger().name(), key, content};
}

void SQSConsumer::process_idempotent_record(const IdempotencyConfig& config, const Json& record) {
  auto claim = idempotency_record(config, record);
  if (claim.claim() == idempotency::Record::Outcome::replay) {
    logger().info("Message {} was already processed: skipped", string_field(record, "messageId"));
    return;
  }
  try {
    process_record(record);
  } catch (...) {
    claim.release();
    throw;
  }
  claim.complete("null");
}

void SQSConsumer::process_idempotent_batch(const IdempotencyConfig& config,
                                           std::span<const Json> records) {
  // Records already processed count as successful; records in progress elsewhere or refused
  // (a mismatch) fail alone; process_batch() gets the rest.
  std::vector<Json> fresh;
  std::vector<idempotency::Record> claims;
  for (const auto& record : records) {
    auto id = string_field(record, "messageId");
    try {
      auto claim = idempotency_record(config, record);
      if (claim.claim() == idempotency::Record::Outcome::replay) {
        logger().info("Message {} was already processed: skipped", id);
        continue;
      }
      fresh.push_back(record);
      claims.push_back(std::move(claim));
    } catch (const std::exception& error) {
      add_message_failed(id, error.what());
    }
  }
  if (fresh.empty()) return;
  try {
    process_batch(fresh);
  } catch (...) {
    for (auto& claim : claims) claim.release();
    throw;
  }
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    auto id = string_field(fresh[i], "messageId");
    bool failed = false;
    {
      std::lock_guard lock(failed_mutex_);
      failed = std::any_of(failed_.begin(), failed_.end(),
                           [&](const Failure& f) { return f.message_id == id; });
    }
    if (failed) {
      claims[i].release();
    } else {
      claims[i].complete("null");
    }
  }
}

Json SQSConsumer::run(const Json& event, std::string_view class_name) {
  name_logger(class_name);
  sqs_detail::ConsumerHooks hooks;
  hooks.mode = processing_mode();
  auto config = idempotency();
  hooks.process_record = [this, &config](const Json& record) {
    if (config) {
      process_idempotent_record(*config, record);
    } else {
      process_record(record);
    }
  };
  hooks.process_batch = [this, &config](std::span<const Json> records) {
    {
      std::lock_guard lock(failed_mutex_);
      failed_.clear();
    }
    if (config) {
      process_idempotent_batch(*config, records);
    } else {
      process_batch(records);
    }
  };
  hooks.reported_failure = [this](const std::string& message_id) -> std::optional<std::string> {
    std::lock_guard lock(failed_mutex_);  // add_message_failed may run on pool threads
    auto failure = std::find_if(failed_.begin(), failed_.end(),
                                [&](const Failure& f) { return f.message_id == message_id; });
    if (failure == failed_.end()) return std::nullopt;
    return failure->error;
  };
  hooks.logger = &logger();
  return sqs_detail::run_event(event, hooks);
}

Json sqs_failure_reply(const Json& event, const std::exception& error) {
  auto out = sqs_detail::all_failed_reply(event, error.what());
  out["error"] = error.what();
  return out;
}

}  // namespace aws_helper
