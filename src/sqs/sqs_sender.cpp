#include <algorithm>

#include <aws_helper/document.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sns.hpp>
#include <aws_helper/sqs_sender.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper {
namespace {

constexpr std::string_view kTarget = "AmazonSQS.";
constexpr std::size_t kMaxBatch = 10;
constexpr std::size_t kMaxAttributes = 10;
// What a SendMessageBatch's entries may add up to: 256 KiB, SQS's limit for years (it has been
// raised since, but the lower figure is refused nowhere). A larger message goes alone; whether
// the queue takes it is SQS's answer, per entry.
constexpr std::size_t kMaxBatchBytes = 262144;

bool empty_content(const Json& content) {
  return content.is_null() ||
         (content.is_string() && content.get_ref<const std::string&>().empty()) ||
         (content.is_object() && content.empty()) || (content.is_array() && content.empty());
}

// {"DataType", "StringValue" | "BinaryValue"} for one attribute value (the header's rules).
Json typed_attribute(const std::string& name, const Json& value) {
  if (value.is_string()) return {{"DataType", "String"}, {"StringValue", value}};
  if (value.is_boolean()) {
    return {{"DataType", "String"}, {"StringValue", value.get<bool>() ? "true" : "false"}};
  }
  if (value.is_number()) return {{"DataType", "Number"}, {"StringValue", value.dump()}};
  if (value.is_object()) {
    auto type = value.find("DataType");
    auto given = value.find("Value");
    if (type != value.end() && type->is_string() && given != value.end() && given->is_string()) {
      bool binary = type->get_ref<const std::string&>().rfind("Binary", 0) == 0;
      return {{"DataType", *type}, {binary ? "BinaryValue" : "StringValue", *given}};
    }
    throw ValueError("Message attribute '" + name +
                     "' is an object: give {\"DataType\": ..., \"Value\": ...} or a plain value");
  }
  if (value.is_array()) {
    throw ValueError("Message attribute '" + name + "' is an array: SQS has no array type");
  }
  throw ValueError("Message attribute '" + name + "' has an unsupported type");
}

const Json* optional_member(const Json& message, const char* key) {
  auto it = message.find(key);
  return it == message.end() || it->is_null() ? nullptr : &*it;
}

std::string string_of(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The region of https://sqs.<region>.amazonaws.com/... (or the legacy
// https://<region>.queue.amazonaws.com/...); nullopt for other hosts (moto, a VPC endpoint).
std::optional<std::string> url_region(const std::string& url) {
  auto begin = url.find("://");
  begin = begin == std::string::npos ? 0 : begin + 3;
  auto host = url.substr(begin, url.find_first_of(":/", begin) - begin);
  auto first = host.find('.');
  if (first == std::string::npos) return std::nullopt;
  auto second = host.find('.', first + 1);
  if (second == std::string::npos || host.find("amazonaws.com") == std::string::npos) {
    return std::nullopt;
  }
  if (host.compare(0, first, "sqs") == 0) return host.substr(first + 1, second - first - 1);
  if (host.compare(first + 1, second - first - 1, "queue") == 0) return host.substr(0, first);
  return std::nullopt;
}

// Bytes SQS counts for an entry: the body and the attributes' names, types and values.
std::size_t entry_bytes(const Json& request) {
  std::size_t bytes = string_of(request, "MessageBody").size();
  if (auto it = request.find("MessageAttributes"); it != request.end()) {
    for (const auto& [name, value] : it->items()) {
      bytes += name.size() + string_of(value, "DataType").size() +
               string_of(value, "StringValue").size() + string_of(value, "BinaryValue").size();
    }
  }
  return bytes;
}

void read_batch_reply(const Json& reply, const std::vector<std::size_t>& sent,
                      BatchSendResult& result) {
  auto entry_for = [&](const Json& member) -> SendEntryResult* {
    auto id = string_of(member, "Id");
    for (std::size_t k = 0; k < sent.size(); ++k) {
      if (id == std::to_string(k)) return &result.entries[sent[k]];
    }
    return nullptr;
  };
  if (auto ok = reply.find("Successful"); ok != reply.end() && ok->is_array()) {
    for (const auto& member : *ok) {
      if (auto* entry = entry_for(member)) {
        entry->success = true;
        entry->message_id = string_of(member, "MessageId");
      }
    }
  }
  if (auto failed = reply.find("Failed"); failed != reply.end() && failed->is_array()) {
    for (const auto& member : *failed) {
      if (auto* entry = entry_for(member)) {
        entry->success = false;
        entry->error_code = string_of(member, "Code");
        entry->error_message = string_of(member, "Message");
      }
    }
  }
}

}  // namespace

std::vector<std::string> BatchSendResult::message_ids() const {
  std::vector<std::string> ids;
  for (const auto& entry : entries) {
    if (entry.success) ids.push_back(entry.message_id);
  }
  return ids;
}

std::size_t BatchSendResult::failed() const {
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [](const auto& e) { return !e.success; }));
}

namespace {
// Checked before the client looks for a region, so an empty URL is named as the problem.
std::string checked_url(std::string queue_url) {
  if (queue_url.empty()) throw ValueError("queue_url is required for SQSSender");
  return queue_url;
}

// AWS_REGION is needed only when the URL names no region.
std::string queue_region(const std::string& queue_url) {
  auto region = url_region(queue_url);
  return region ? *region : aws::region();
}
}  // namespace

SQSSender::SQSSender(std::string queue_url)
    : queue_url_(checked_url(std::move(queue_url))),
      client_("sqs", "SQS", queue_region(queue_url_)) {}

Json SQSSender::message_request(const Json& message) {
  if (!message.is_object()) {
    throw ValueError("A message must be an object with a 'content' key, got " +
                     std::string(message.type_name()));
  }
  auto content = message.find("content");
  if (content == message.end() || empty_content(*content)) {
    throw ValueError("Message content is required");
  }
  Json request = {{"MessageBody", mongo_json_dumps(*content)}};
  if (const Json* delay = optional_member(message, "delay_seconds")) {
    if (!delay->is_number_integer() || delay->get<long long>() < 0 ||
        delay->get<long long>() > 900) {
      throw ValueError("Message delay_seconds must be a whole number from 0 to 900");
    }
    request["DelaySeconds"] = *delay;
  }
  for (auto [key, field] : {std::pair{"message_group_id", "MessageGroupId"},
                            std::pair{"message_deduplication_id", "MessageDeduplicationId"}}) {
    if (const Json* value = optional_member(message, key)) {
      if (!value->is_string())
        throw ValueError(std::string("Message ") + key + " must be a string");
      request[field] = *value;
    }
  }

  Json attributes = Json::object();
  if (const Json* given = optional_member(message, "attributes")) {
    if (!given->is_object()) throw ValueError("Message attributes must be an object");
    for (const auto& [name, value] : given->items()) {
      if (!value.is_null()) attributes[name] = typed_attribute(name, value);
    }
  }
  if (!attributes.contains("session")) {
    auto session = get_session().to_json();
    if (!session.empty()) {
      attributes["session"] = {{"DataType", "String"},
                               {"StringValue", encode_session_attribute(session)}};
    }
  }
  if (attributes.size() > kMaxAttributes) {
    throw ValueError("Message has " + std::to_string(attributes.size()) +
                     " attributes with the session; SQS accepts at most " +
                     std::to_string(kMaxAttributes));
  }
  if (!attributes.empty()) request["MessageAttributes"] = std::move(attributes);
  // A system attribute: outside the 10, and what SQS hands Lambda as attributes.AWSTraceHeader.
  if (auto header = trace::current(); !header.empty()) {
    request["MessageSystemAttributes"] = {
        {std::string(trace::kSqsSystemAttribute),
         {{"DataType", "String"}, {"StringValue", std::move(header)}}}};
  }
  return request;
}

SendMessageResult SQSSender::send_message(const Json& message) const {
  Json request = message_request(message);
  request["QueueUrl"] = queue_url_;
  auto reply = client_.json(std::string(kTarget) + "SendMessage", "1.0", request);
  SendMessageResult result;
  result.message_id = string_of(reply, "MessageId");
  if (auto sequence = string_of(reply, "SequenceNumber"); !sequence.empty()) {
    result.sequence_number = std::move(sequence);
  }
  if (result.message_id.empty()) {
    throw aws::AwsError("sqs", "InvalidReply", "SendMessage reply has no MessageId", 200, "");
  }
  return result;
}

// Over 60 lines: refusals, chunking by count and bytes, and each chunk's outcome: one algorithm,
// as SNSPublisher's batch publish.
// NOLINTNEXTLINE(readability-function-size)
BatchSendResult SQSSender::send_message_batch(const std::vector<Json>& messages) const {
  BatchSendResult result;
  result.entries.resize(messages.size());
  const Logger logger("aws_helper.sqs");
  std::vector<Json> prepared(messages.size());
  std::vector<std::vector<std::size_t>> chunks;
  std::size_t chunk_bytes = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto& entry = result.entries[i];
    entry.index = i;
    try {
      prepared[i] = message_request(messages[i]);
    } catch (const ValueError& error) {
      entry.error_code = "InvalidMessage";
      entry.error_message = error.what();
      logger.error("Message {} of the batch to {} is invalid: {}", i, queue_url_, error.what());
      continue;
    }
    auto bytes = entry_bytes(prepared[i]);
    if (chunks.empty() || chunks.back().size() == kMaxBatch ||
        chunk_bytes + bytes > kMaxBatchBytes) {
      chunks.emplace_back();
      chunk_bytes = 0;
    }
    chunks.back().push_back(i);
    chunk_bytes += bytes;
  }
  for (const auto& sent : chunks) {  // input indexes, by batch entry Id
    Json entries = Json::array();
    for (std::size_t k = 0; k < sent.size(); ++k) {
      Json entry = {{"Id", std::to_string(k)}};
      for (auto& [key, value] : prepared[sent[k]].items()) entry[key] = std::move(value);
      entries.push_back(std::move(entry));
    }
    try {
      auto reply = client_.json(std::string(kTarget) + "SendMessageBatch", "1.0",
                                {{"QueueUrl", queue_url_}, {"Entries", std::move(entries)}});
      read_batch_reply(reply, sent, result);
      for (auto index : sent) {
        auto& entry = result.entries[index];
        if (entry.success) continue;
        if (entry.error_code.empty()) {
          // An entry SQS mentioned in neither list did not go out.
          entry.error_code = "Unknown";
          entry.error_message = "SQS did not report on this entry";
        } else {
          logger.error("SQS refused message {} of the batch to {}: {} {}", entry.index, queue_url_,
                       entry.error_code, entry.error_message);
        }
      }
    } catch (const aws::AwsError& error) {
      logger.error("SendMessageBatch to {} failed: {}", queue_url_, error.what());
      for (auto index : sent) {
        result.entries[index].error_code = error.code();
        result.entries[index].error_message = error.what();
      }
    }
  }
  return result;
}

}  // namespace aws_helper
