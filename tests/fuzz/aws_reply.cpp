// What AWS sends back: error replies in XML (query protocol: SNS, SQS), in JSON (JSON
// protocol: ECS, Lambda) or named by a header, read into the code, message and request id of
// an AwsError; the XML of successful replies (xml_text, the SNS PublishBatch reply); and ARNs,
// whose region picks the endpoint. The first byte picks the reply's headers, the rest is the
// body.
#include <cstdint>
#include <string>
#include <vector>

#include <aws_helper/aws.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/sns.hpp>

#include "aws/client_detail.hpp"
#include "fuzz_support.hpp"
#include "sns/sns_detail.hpp"

namespace aws_helper {
namespace {

aws::AwsResponse response_for(std::uint8_t selector, std::string_view body) {
  aws::AwsResponse response;
  response.status = 400 + (selector & 0x7F);
  if ((selector & 0x80U) != 0) response.headers.add("Content-Type", "application/json");
  if ((selector & 0x40U) != 0) response.headers.add("x-amzn-RequestId", "req-1");
  if ((selector & 0x20U) != 0) {
    response.headers.add("X-Amzn-ErrorType", std::string(body.substr(0, 40)));
  }
  response.body = std::string(body);
  return response;
}

void error_reply(std::uint8_t selector, std::string_view body) {
  auto response = response_for(selector, body);
  auto parsed = aws::detail::parse_error(response);
  FUZZ_CHECK(!parsed.code.empty());
  FUZZ_CHECK(!parsed.message.empty());
  FUZZ_CHECK(parsed.code.find(':') == std::string::npos);
  FUZZ_CHECK(parsed.code.find('#') == std::string::npos);
  // The canonical request of a SignatureDoesNotMatch reply (it quotes the session token) is
  // cut off before it reaches a message.
  FUZZ_CHECK(parsed.message.find("The Canonical String") == std::string::npos);
  aws::AwsError error("sns", parsed.code, parsed.message, static_cast<int>(response.status),
                      parsed.request_id);
  static_cast<void>(error.retryable());
  FUZZ_CHECK(aws::detail::clean_code(parsed.code) == parsed.code);
}

void success_reply(std::string_view body) {
  try {
    static_cast<void>(aws::xml_text(body, "MessageId"));
    static_cast<void>(aws::xml_text(body, "SequenceNumber"));
  } catch (const ValueError&) {
  }
  BatchPublishResult result;
  result.entries.resize(4);
  for (std::size_t i = 0; i < result.entries.size(); ++i) result.entries[i].index = i;
  const std::vector<std::size_t> sent = {3, 1, 2};  // batch Ids 0, 1, 2
  if (detail::read_publish_batch_reply(body, sent, result)) {
    FUZZ_CHECK(!result.entries[0].success && result.entries[0].error_code.empty());
    FUZZ_CHECK(result.message_ids().size() + result.failed() == result.entries.size());
  }
}

void arn(std::string_view text) {
  if (auto region = aws::arn_region(text)) {
    FUZZ_CHECK(!region->empty());
    FUZZ_CHECK(region->find(':') == std::string::npos);
    FUZZ_CHECK(text.starts_with("arn:"));
  }
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  if (size == 0) return 0;
  auto body = fuzz::text_of(data + 1, size - 1);
  error_reply(data[0], body);
  success_reply(body);
  arn(body);
  return 0;
}
