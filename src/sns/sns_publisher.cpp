#include <algorithm>

#include <pugixml.hpp>

#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sns.hpp>
#include <aws_helper/trace.hpp>

#include "sns/sns_detail.hpp"

namespace aws_helper {
namespace {

constexpr std::string_view kVersion = "2010-03-31";
constexpr std::size_t kMaxBatch = 10;
// SNS's limit for a message with its attributes (256 KiB).
constexpr std::size_t kMaxMessageBytes = 262144;
// What an SQS subscriber accepts (SQS's limit of message attributes).
constexpr std::ptrdiff_t kMaxAttributes = 10;

bool empty_content(const Json& content) {
  return content.is_null() ||
         (content.is_string() && content.get_ref<const std::string&>().empty()) ||
         (content.is_object() && content.empty()) || (content.is_array() && content.empty());
}

struct Attribute {
  std::string data_type;
  std::string value;  // StringValue, or BinaryValue (Base64) for Binary types
};

Attribute typed_attribute(const std::string& name, const Json& value) {
  if (value.is_string()) return {"String", value.get<std::string>()};
  if (value.is_boolean()) return {"String", value.get<bool>() ? "true" : "false"};
  if (value.is_number()) return {"Number", value.dump()};
  if (value.is_array()) return {"String.Array", dump_json(serialize_mongo_types(value))};
  if (value.is_object()) {
    auto type = value.find("DataType");
    auto given = value.find("Value");
    if (type != value.end() && type->is_string() && given != value.end() && given->is_string()) {
      return {type->get<std::string>(), given->get<std::string>()};
    }
    throw ValueError("Message attribute '" + name +
                     "' is an object: give {\"DataType\": ..., \"Value\": ...} or a plain value");
  }
  throw ValueError("Message attribute '" + name + "' has an unsupported type");
}

// The message's attributes with what the framework carries along: a copy (the caller's
// attributes are never touched) with the session and the trace added when the caller set none.
Json carried_attributes(const Json& message) {
  Json attributes = Json::object();
  if (auto given = message.find("attributes"); given != message.end() && !given->is_null()) {
    if (!given->is_object()) throw ValueError("Message attributes must be an object");
    attributes = *given;
  }
  if (!attributes.contains("session")) {
    auto session = get_session().to_json();
    if (!session.empty()) attributes["session"] = encode_session_attribute(session);
  }
  const std::string trace_name(trace::kMessageAttribute);
  if (!attributes.contains(trace_name)) {
    // Last, and only while there is room: SQS takes at most 10 message attributes, and drops a
    // raw-delivered SNS message with more; the caller's attributes and the session come first.
    auto count = std::count_if(attributes.begin(), attributes.end(),
                               [](const Json& value) { return !value.is_null(); });
    auto header = trace::current();
    if (!header.empty() && count < kMaxAttributes) attributes[trace_name] = std::move(header);
  }
  return attributes;
}

std::string text_of(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

}  // namespace

namespace detail {

bool read_publish_batch_reply(std::string_view xml, const std::vector<std::size_t>& sent,
                              BatchPublishResult& result) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return false;
  auto batch = doc.select_node("//PublishBatchResult").node();
  auto entry_for = [&](const pugi::xml_node& member) -> PublishEntryResult* {
    auto id = text_of(member, "Id");
    for (std::size_t k = 0; k < sent.size(); ++k) {
      if (id == std::to_string(k)) return &result.entries[sent[k]];
    }
    return nullptr;
  };
  for (auto member : batch.child("Successful").children("member")) {
    if (auto* entry = entry_for(member)) {
      entry->success = true;
      entry->message_id = text_of(member, "MessageId");
    }
  }
  for (auto member : batch.child("Failed").children("member")) {
    if (auto* entry = entry_for(member)) {
      entry->error_code = text_of(member, "Code");
      entry->error_message = text_of(member, "Message");
    }
  }
  return true;
}

}  // namespace detail

std::string encode_session_attribute(const Json& session) {
  return base64_encode(mongo_json_dumps(session));
}

std::vector<std::string> BatchPublishResult::message_ids() const {
  std::vector<std::string> ids;
  for (const auto& entry : entries) {
    if (entry.success) ids.push_back(entry.message_id);
  }
  return ids;
}

std::size_t BatchPublishResult::failed() const {
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [](const auto& e) { return !e.success; }));
}

SNSPublisher::SNSPublisher(std::string topic_arn) : topic_arn_(std::move(topic_arn)) {
  if (topic_arn_.empty()) throw ValueError("topic_arn is required for SNSPublisher");
  auto region = aws::arn_region(topic_arn_);
  client_.emplace("sns", "SNS", region ? *region : aws::region());
}

const aws::AwsClient& SNSPublisher::client() const {
  return *client_;
}

std::vector<std::pair<std::string, std::string>> SNSPublisher::message_parameters(
    const Json& message, const std::string& prefix) {
  if (!message.is_object()) {
    throw ValueError("A message must be an object with a 'content' key, got " +
                     std::string(message.type_name()));
  }
  auto content = message.find("content");
  if (content == message.end() || empty_content(*content)) {
    throw ValueError("Message content is required");
  }
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t size = 0;
  auto add = [&params, &size](std::string key, std::string value) {
    size += value.size();
    params.emplace_back(std::move(key), std::move(value));
  };
  add(prefix + "Message", mongo_json_dumps(*content));
  if (auto subject = message.find("subject"); subject != message.end() && !subject->is_null()) {
    if (!subject->is_string()) throw ValueError("Message subject must be a string");
    if (!subject->get_ref<const std::string&>().empty()) add(prefix + "Subject", *subject);
  }
  for (auto [key, parameter] : {std::pair{"message_group_id", "MessageGroupId"},
                                std::pair{"message_deduplication_id", "MessageDeduplicationId"}}) {
    auto it = message.find(key);
    if (it == message.end() || it->is_null()) continue;
    if (!it->is_string()) throw ValueError(std::string("Message ") + key + " must be a string");
    add(prefix + parameter, *it);
  }

  int n = 0;
  // Held in a variable: a range-for over items() of a temporary would outlive the temporary.
  const Json attributes = carried_attributes(message);
  for (const auto& [name, value] : attributes.items()) {
    if (value.is_null()) continue;
    auto attribute = typed_attribute(name, value);
    auto base = prefix + "MessageAttributes.entry." + std::to_string(++n) + ".";
    size += name.size() + attribute.data_type.size();
    add(base + "Name", name);
    add(base + "Value.DataType", attribute.data_type);
    bool binary = attribute.data_type.rfind("Binary", 0) == 0;
    add(base + (binary ? "Value.BinaryValue" : "Value.StringValue"), std::move(attribute.value));
  }
  if (size > kMaxMessageBytes) {
    throw ValueError("Message is " + std::to_string(size) +
                     " bytes with its attributes; SNS accepts at most " +
                     std::to_string(kMaxMessageBytes));
  }
  return params;
}

PublishResult SNSPublisher::publish(const Json& message) const {
  auto params = message_parameters(message, "");
  params.emplace(params.begin(), "TopicArn", topic_arn_);
  auto response = client().query("Publish", kVersion, params);
  PublishResult result;
  result.message_id = aws::xml_text(response.body, "MessageId").value_or("");
  result.sequence_number = aws::xml_text(response.body, "SequenceNumber");
  if (result.sequence_number && result.sequence_number->empty()) result.sequence_number.reset();
  if (result.message_id.empty()) {
    throw aws::AwsError("sns", "InvalidReply", "Publish reply has no MessageId", response.status,
                        response.request_id());
  }
  return result;
}

// Over 60 lines: batches of ten with a retry of the failed entries: one algorithm.
// NOLINTNEXTLINE(readability-function-size)
BatchPublishResult SNSPublisher::publish(const std::vector<Json>& messages) const {
  BatchPublishResult result;
  result.entries.resize(messages.size());
  const Logger logger("aws_helper.sns");
  // Every message's parameters first (refusals reported), then chunks of at most 10 entries
  // and 256 KiB in all: SNS refuses a larger PublishBatch as a whole.
  std::vector<std::vector<std::pair<std::string, std::string>>> prepared(messages.size());
  std::vector<std::vector<std::size_t>> chunks;
  std::size_t chunk_bytes = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto& entry = result.entries[i];
    entry.index = i;
    try {
      prepared[i] = message_parameters(messages[i], "");
    } catch (const ValueError& error) {
      entry.error_code = "InvalidMessage";
      entry.error_message = error.what();
      logger.error("Message {} of the batch to {} is invalid: {}", i, topic_arn_, error.what());
      continue;
    }
    std::size_t bytes = 0;
    for (const auto& parameter : prepared[i]) bytes += parameter.second.size();
    if (chunks.empty() || chunks.back().size() == kMaxBatch ||
        chunk_bytes + bytes > kMaxMessageBytes) {
      chunks.emplace_back();
      chunk_bytes = 0;
    }
    chunks.back().push_back(i);
    chunk_bytes += bytes;
  }
  for (const auto& sent : chunks) {  // input indexes, by batch entry Id
    std::vector<std::pair<std::string, std::string>> params{{"TopicArn", topic_arn_}};
    for (std::size_t k = 0; k < sent.size(); ++k) {
      auto prefix = "PublishBatchRequestEntries.member." + std::to_string(k + 1) + ".";
      params.emplace_back(prefix + "Id", std::to_string(k));
      for (auto& [key, value] : prepared[sent[k]])
        params.emplace_back(prefix + key, std::move(value));
    }
    try {
      auto response = client().query("PublishBatch", kVersion, params);
      if (!detail::read_publish_batch_reply(response.body, sent, result)) {
        throw aws::AwsError("sns", "InvalidReply", "PublishBatch reply is not XML", response.status,
                            response.request_id());
      }
      for (auto index : sent) {
        auto& entry = result.entries[index];
        if (entry.success) continue;
        if (entry.error_code.empty()) {
          // An entry SNS mentioned in neither list did not go out.
          entry.error_code = "Unknown";
          entry.error_message = "SNS did not report on this entry";
        } else {
          logger.error("SNS refused message {} of the batch to {}: {} {}", entry.index, topic_arn_,
                       entry.error_code, entry.error_message);
        }
      }
    } catch (const aws::AwsError& error) {
      logger.error("PublishBatch to {} failed: {}", topic_arn_, error.what());
      for (auto index : sent) {
        result.entries[index].error_code = error.code();
        result.entries[index].error_message = error.what();
      }
    }
  }
  return result;
}

}  // namespace aws_helper
