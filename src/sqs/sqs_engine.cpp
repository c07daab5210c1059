#include "sqs/sqs_engine.hpp"

#include <algorithm>
#include <utility>

#include <aws_helper/session.hpp>
#include <aws_helper/state_validator.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper::sqs_detail {
namespace {

constexpr std::string_view kFifoSkipped =
    "Not processed: an earlier record of this FIFO batch failed, so this one is retried after it";

struct Outcome {
  bool success = true;
  std::string error;
};

std::string message_id_of(const Json& record, std::size_t index) {
  auto id = string_field(record, "messageId");
  return id.empty() ? "record-" + std::to_string(index) : id;
}

std::vector<std::string> message_ids(const Json& event) {
  std::vector<std::string> ids;
  if (!event.is_object()) return ids;
  auto records = event.find("Records");
  if (records == event.end() || !records->is_array()) return ids;
  for (std::size_t i = 0; i < records->size(); ++i) ids.push_back(message_id_of((*records)[i], i));
  return ids;
}

bool is_fifo(const Json& records) {
  return std::any_of(records.begin(), records.end(), [](const Json& record) {
    auto arn = string_field(record, "eventSourceARN");
    return arn.size() > 5 && arn.compare(arn.size() - 5, 5, ".fifo") == 0;
  });
}

Json result_json(const std::string& message_id, const Outcome& outcome) {
  Json result = {{"messageId", message_id}, {"success", outcome.success}};
  if (!outcome.success) {
    result["error"] = outcome.error;
    result["itemIdentifier"] = message_id;
  }
  return result;
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

// Batch mode groups records by state, in first-seen order; a FIFO queue keeps runs of
// consecutive records together instead, so nothing is processed out of order.
struct Group {
  std::optional<std::string> state;
  std::optional<Session> session;  // the first one seen for the state, as the seed
  std::vector<std::size_t> indexes;
};

// Each record carries its own trace (trace::from_sqs_record); a group runs under the first one
// its records carry, and every record whose trace differs is logged with it, so a search for
// that trace still finds where its message went.
std::string group_trace(const Group& group, const std::vector<std::string>& traces) {
  for (auto i : group.indexes) {
    if (!traces[i].empty()) return traces[i];
  }
  return {};
}

// One event's run: the records, their ids and outcomes, and the FIFO rule that once a record
// failed every later one waits (it is reported failed, so SQS retries it after the first).
class Run {
 public:
  Run(const Json& records, const ConsumerHooks& hooks)
      : records_(records), hooks_(hooks), fifo_(is_fifo(records)), outcomes_(records.size()) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      ids_.push_back(message_id_of(records[i], i));
      traces_.push_back(trace::from_sqs_record(records[i]));
    }
  }

  Json single() {
    for (std::size_t i = 0; i < records_.size(); ++i) {
      // The record's trace for its work and for the line that reports its failure.
      trace::Scope trace_scope{traces_[i]};
      if (skipped(i)) continue;
      try {
        SessionScope scope{checked_session(SQSConsumer::extract_session(records_[i]))};
        hooks_.process_record(records_[i]);
      } catch (const std::exception& error) {
        hooks_.logger->error("Error processing message {}: {}", ids_[i], error.what());
        fail(i, error.what());
      }
    }
    return reply(ids_, outcomes_);
  }

  Json batch() {
    auto readable = take_out_unreadable();
    for (const auto& group : groups(readable)) run_group(group);
    return reply(ids_, outcomes_);
  }

 private:
  void fail(std::size_t i, std::string error) {
    outcomes_[i] = {false, std::move(error)};
    if (fifo_) stopped_ = true;
  }
  bool skipped(std::size_t i) {
    if (stopped_) outcomes_[i] = {false, std::string(kFifoSkipped)};
    return stopped_;
  }

  // A record whose message cannot be read fails alone, before the groups are formed: a poison
  // record must neither fail the records beside it nor reach process_batch as raw data. On a
  // FIFO queue the records after it wait, as after any failure. Returns which records remain.
  std::vector<bool> take_out_unreadable() {
    std::vector<bool> readable(records_.size(), true);
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (skipped(i)) {
        readable[i] = false;
        continue;
      }
      trace::Scope trace_scope{traces_[i]};
      try {
        static_cast<void>(SQSConsumer::extract_content_message(records_[i]));
      } catch (const std::exception& error) {
        hooks_.logger->error("Message {} cannot be read: {}", ids_[i], error.what());
        fail(i, error.what());
        readable[i] = false;
      }
    }
    stopped_ = false;  // the records before a poison one still run
    return readable;
  }

  std::vector<Group> groups(const std::vector<bool>& readable) const {
    std::vector<Group> out;
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (!readable[i]) continue;
      auto session = SQSConsumer::extract_session(records_[i]);
      std::optional<std::string> state = session ? session->state() : std::nullopt;
      auto match = [&state](const Group& group) { return group.state == state; };
      auto it = fifo_ ? (out.empty() || !match(out.back()) ? out.end() : out.end() - 1)
                      : std::find_if(out.begin(), out.end(), match);
      if (it == out.end()) {
        out.push_back({state, session, {}});
        it = out.end() - 1;
      }
      it->indexes.push_back(i);
    }
    return out;
  }

  void run_group(const Group& group) {
    if (stopped_) {
      for (auto i : group.indexes) outcomes_[i] = {false, std::string(kFifoSkipped)};
      return;
    }
    std::vector<Json> batch;
    batch.reserve(group.indexes.size());
    for (auto i : group.indexes) batch.push_back(records_[i]);
    auto trace_header = group_trace(group, traces_);
    trace::Scope trace_scope{trace_header};
    for (auto i : group.indexes) {
      if (!traces_[i].empty() && traces_[i] != trace_header) {
        hooks_.logger->with(LogLevel::info, "Message runs in a batch under another trace",
                            {{"messageId", ids_[i]}, {"recordTraceId", traces_[i]}});
      }
    }
    try {
      SessionScope scope{checked_session(group.session)};
      hooks_.process_batch(batch);
    } catch (const std::exception& error) {
      hooks_.logger->error("Error processing a batch of {} messages: {}", batch.size(),
                           error.what());
      for (auto i : group.indexes) fail(i, error.what());
      return;
    }
    for (auto i : group.indexes) {
      if (skipped(i)) continue;
      if (auto reported = hooks_.reported_failure(ids_[i])) {
        fail(i, reported->empty() ? "Marked as failed by the consumer" : *reported);
      }
    }
  }

  const Json& records_;
  const ConsumerHooks& hooks_;
  const bool fifo_;
  std::vector<std::string> ids_;
  std::vector<std::string> traces_;  // each record's, canonical; "" when it carries none
  std::vector<Outcome> outcomes_;
  bool stopped_ = false;
};

}  // namespace

std::string string_field(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json run_event(const Json& event, const ConsumerHooks& hooks) {
  auto records = event.is_object() ? event.find("Records") : event.end();
  if (!event.is_object() || records == event.end() || !records->is_array()) {
    throw ValueError("An SQS event must be an object with a 'Records' array");
  }
  SessionScope outer{Session{}};
  Run run(*records, hooks);
  return hooks.mode == ProcessingMode::single ? run.single() : run.batch();
}

Json all_failed_reply(const Json& event, const std::string& error) {
  auto ids = message_ids(event);
  return reply(ids, std::vector<Outcome>(ids.size(), Outcome{false, error}));
}

}  // namespace aws_helper::sqs_detail
