#include <algorithm>
#include <mutex>
#include <optional>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/sqs.hpp>
#include <aws_helper/state_validator.hpp>

namespace aws_helper {
namespace {

constexpr std::string_view kFifoSkipped =
    "Not processed: an earlier record of this FIFO batch failed, so this one is retried after it";

const Logger& module_logger() {
  static const Logger logger{"SQSConsumer"};
  return logger;
}

std::string string_field(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_fifo(const Json& records) {
  return std::any_of(records.begin(), records.end(), [](const Json& record) {
    auto arn = string_field(record, "eventSourceARN");
    return arn.size() > 5 && arn.compare(arn.size() - 5, 5, ".fifo") == 0;
  });
}

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

struct Outcome {
  bool success = true;
  std::string error;
};

Json result_json(const std::string& message_id, const Outcome& outcome) {
  Json result = {{"messageId", message_id}, {"success", outcome.success}};
  if (!outcome.success) {
    result["error"] = outcome.error;
    result["itemIdentifier"] = message_id;
  }
  return result;
}

std::string message_id_of(const Json& record, std::size_t index) {
  auto id = string_field(record, "messageId");
  return id.empty() ? "record-" + std::to_string(index) : id;
}

Json reply(const std::vector<std::string>& ids, const std::vector<Outcome>& outcomes) {
  Json results = Json::array();
  Json failures = Json::array();
  std::size_t ok = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    results.push_back(result_json(ids[i], outcomes[i]));
    if (outcomes[i].success) {
      ++ok;
    } else {
      failures.push_back({{"itemIdentifier", ids[i]}});
    }
  }
  return {{"processed", ids.size()},
          {"successful", ok},
          {"failed", ids.size() - ok},
          {"results", results},
          {"batchItemFailures", failures}};
}

// The record's session, with its state validated; throws for an invalid state.
Session checked_session(const std::optional<Session>& session) {
  if (!session) return Session{};
  if (session->state() && !session->state()->empty()) StateValidator::validate(*session->state());
  return *session;
}

}  // namespace

void SQSConsumer::process_record(const Json& /*record*/) {
  throw Error("NotImplementedError",
              "process_record() is not implemented; override it, or return ProcessingMode::batch "
              "from processing_mode() and override process_batch()");
}

void SQSConsumer::process_batch(std::span<const Json> /*records*/) {
  throw Error("NotImplementedError",
              "process_batch() is not implemented; override it in a batch-mode consumer");
}

void SQSConsumer::add_message_failed(const std::string& message_id, const std::string& error) {
  logger_.error("Message {} failed: {}", message_id, error.empty() ? "(no reason given)" : error);
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

Json SQSConsumer::run(const Json& event, std::string_view class_name) {
  logger_ = Logger{std::string(class_name)};
  auto records_it = event.is_object() ? event.find("Records") : event.end();
  if (!event.is_object() || records_it == event.end() || !records_it->is_array()) {
    throw ValueError("An SQS event must be an object with a 'Records' array");
  }
  const Json& records = *records_it;
  const bool fifo = is_fifo(records);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < records.size(); ++i) ids.push_back(message_id_of(records[i], i));
  std::vector<Outcome> outcomes(records.size());
  bool stopped = false;  // FIFO: a record failed, so every later one waits
  auto fail = [&](std::size_t i, std::string error) {
    outcomes[i] = {false, std::move(error)};
    if (fifo) stopped = true;
  };
  SessionScope outer{Session{}};

  if (processing_mode() == ProcessingMode::single) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (stopped) {
        outcomes[i] = {false, std::string(kFifoSkipped)};
        continue;
      }
      try {
        SessionScope scope{checked_session(extract_session(records[i]))};
        process_record(records[i]);
      } catch (const std::exception& error) {
        logger_.error("Error processing message {}: {}", ids[i], error.what());
        fail(i, error.what());
      }
    }
    return reply(ids, outcomes);
  }

  // Batch mode: groups by state, in first-seen order; a FIFO queue keeps runs of consecutive
  // records together instead, so nothing is processed out of order.
  struct Group {
    std::optional<std::string> state;
    std::optional<Session> session;  // the first one seen for the state, as the seed
    std::vector<std::size_t> indexes;
  };
  // A record whose message cannot be read fails alone, before the groups are formed: a poison
  // record must neither fail the records beside it nor reach process_batch as raw data. On a
  // FIFO queue the records after it wait, as after any failure.
  std::vector<bool> readable(records.size(), true);
  std::size_t end = records.size();
  for (std::size_t i = 0; i < end; ++i) {
    try {
      (void)extract_content_message(records[i]);
    } catch (const std::exception& error) {
      logger_.error("Message {} cannot be read: {}", ids[i], error.what());
      outcomes[i] = {false, error.what()};
      readable[i] = false;
      if (fifo) {
        for (std::size_t j = i + 1; j < records.size(); ++j)
          outcomes[j] = {false, std::string(kFifoSkipped)};
        end = i;
      }
    }
  }
  std::vector<Group> groups;
  for (std::size_t i = 0; i < end; ++i) {
    if (!readable[i]) continue;
    auto session = extract_session(records[i]);
    std::optional<std::string> state = session ? session->state() : std::nullopt;
    auto match = [&state](const Group& group) { return group.state == state; };
    auto it = fifo ? (groups.empty() || !match(groups.back()) ? groups.end() : groups.end() - 1)
                   : std::find_if(groups.begin(), groups.end(), match);
    if (it == groups.end()) {
      groups.push_back({state, session, {}});
      it = groups.end() - 1;
    }
    it->indexes.push_back(i);
  }
  for (const auto& group : groups) {
    if (stopped) {
      for (auto i : group.indexes) outcomes[i] = {false, std::string(kFifoSkipped)};
      continue;
    }
    std::vector<Json> batch;
    batch.reserve(group.indexes.size());
    for (auto i : group.indexes) batch.push_back(records[i]);
    {
      std::lock_guard lock(failed_mutex_);
      failed_.clear();
    }
    try {
      SessionScope scope{checked_session(group.session)};
      process_batch(batch);
    } catch (const std::exception& error) {
      logger_.error("Error processing a batch of {} messages: {}", batch.size(), error.what());
      for (auto i : group.indexes) fail(i, error.what());
      continue;
    }
    for (auto i : group.indexes) {
      if (stopped) {
        outcomes[i] = {false, std::string(kFifoSkipped)};
        continue;
      }
      std::optional<std::string> reported;
      {
        std::lock_guard lock(failed_mutex_);  // add_message_failed may run on pool threads
        auto failure = std::find_if(failed_.begin(), failed_.end(),
                                    [&](const Failure& f) { return f.message_id == ids[i]; });
        if (failure != failed_.end()) reported = failure->error;
      }
      if (reported) fail(i, reported->empty() ? "Marked as failed by the consumer" : *reported);
    }
  }
  return reply(ids, outcomes);
}

Json sqs_failure_reply(const Json& event, const std::exception& error) {
  std::vector<std::string> ids;
  if (event.is_object()) {
    if (auto records = event.find("Records"); records != event.end() && records->is_array()) {
      for (std::size_t i = 0; i < records->size(); ++i)
        ids.push_back(message_id_of((*records)[i], i));
    }
  }
  std::vector<Outcome> outcomes(ids.size(), Outcome{false, error.what()});
  auto out = reply(ids, outcomes);
  out["error"] = error.what();
  return out;
}

}  // namespace aws_helper
