// SQS events as a consumer Lambda receives them: records with raw bodies or SNS envelopes, the
// session attribute (Base64 JSON, in the envelope or the record's own attributes), FIFO
// queues; run through SQSConsumer::run in single mode and in batch mode. States are checked
// by a fixed lookup instead of core.states, so no database is involved.
//
// The consumers call extract_content_message() and extract_session() themselves and refuse any
// exception that is not an aws_helper::Error: run() catches every std::exception per record
// (that is its contract), which would otherwise hide a stray nlohmann or standard exception.
#include <cstdint>
#include <set>
#include <span>
#include <string>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/sqs.hpp>
#include <aws_helper/state_validator.hpp>

#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

// extract_content_message and extract_session, as a consumer calls them: an aws_helper::Error
// is the documented failure of a record; any other exception is a finding.
void read_record(const Json& record) {
  try {
    static_cast<void>(SQSConsumer::extract_content_message(record));
  } catch (const Error& error) {
    FUZZ_CHECK_SHORT(error);
    throw;
  } catch (...) {
    fuzz::broken("extract_content_message threw something else than aws_helper::Error", __FILE__,
                 __LINE__);
  }
  try {
    auto session = SQSConsumer::extract_session(record);
    if (session && session->user()) {
      FUZZ_CHECK(!session->user()->contains("password"));
      FUZZ_CHECK(!session->user()->contains("hashed_password"));
    }
  } catch (...) {
    fuzz::broken("extract_session threw (it reports nullopt instead)", __FILE__, __LINE__);
  }
}

bool asks_to_fail(const Json& record) {
  return record.is_object() && record.contains("messageId") && record["messageId"] == "fail";
}

class SingleConsumer : public SQSConsumer {
 public:
  void process_record(const Json& record) override {
    read_record(record);
    // A state reaches user code only once the lookup has accepted it (an empty one names none).
    if (session().state() && !session().state()->empty()) {
      FUZZ_CHECK(*session().state() == "connecticut");
    }
    if (asks_to_fail(record)) throw ValueError("asked to fail");
  }
};

class BatchConsumer : public SQSConsumer {
 public:
  [[nodiscard]] ProcessingMode processing_mode() const override { return ProcessingMode::batch; }
  void process_batch(std::span<const Json> records) override {
    for (const auto& record : records) {
      read_record(record);
      if (asks_to_fail(record)) add_message_failed("fail", "asked to fail");
    }
    if (records.size() == 3) throw ValueError("a group of three fails whole");
  }
};

void check_reply(const Json& event, const Json& reply) {
  const auto& records = event["Records"];
  FUZZ_CHECK(reply["processed"] == records.size());
  FUZZ_CHECK(reply["successful"].get<std::size_t>() + reply["failed"].get<std::size_t>() ==
             records.size());
  FUZZ_CHECK(reply["results"].size() == records.size());
  FUZZ_CHECK(reply["batchItemFailures"].size() == reply["failed"].get<std::size_t>());
  std::set<std::string> ids;
  for (const auto& result : reply["results"]) {
    ids.insert(result["messageId"].get<std::string>());
    // A record's failure reason is logged and returned to SQS: it quotes little of the record.
    if (result.contains("error")) {
      FUZZ_CHECK(result["error"].get_ref<const std::string&>().size() <= fuzz::kLongestMessage);
    }
  }
  for (const auto& failure : reply["batchItemFailures"]) {
    FUZZ_CHECK(ids.contains(failure["itemIdentifier"].get<std::string>()));
  }
  static_cast<void>(dump_json(reply));
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  static const bool lookup = [] {
    StateValidator::set_lookup([](const std::string& state) { return state == "connecticut"; });
    return true;
  }();
  static_cast<void>(lookup);
  StateValidator::clear_cache();  // every input asks again: the same answers, run after run

  Json event;
  try {
    event = parse_json(fuzz::text_of(data, size), "The event");
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return 0;
  }
  SingleConsumer single;
  try {
    check_reply(event, single.run(event, "SingleConsumer"));
  } catch (const ValueError& error) {  // not an SQS event
    FUZZ_CHECK_SHORT(error);
    FUZZ_CHECK(!event.is_object() || !event.contains("Records") || !event["Records"].is_array());
    static_cast<void>(sqs_failure_reply(event, ValueError("not an SQS event")));
    return 0;
  }
  BatchConsumer batch;
  check_reply(event, batch.run(event, "BatchConsumer"));
  return 0;
}
