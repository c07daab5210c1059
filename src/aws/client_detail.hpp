// Private parts of the AWS client, declared so the fuzz target (tests/fuzz/aws_reply.cpp) can
// reach them; not part of the installed headers.
#pragma once

#include <string>

#include <aws_helper/aws.hpp>

namespace aws_helper::aws::detail {

struct ParsedError {
  std::string code;
  std::string message;
  std::string request_id;
};

// "ResourceNotFoundException:http://internal.amazon.com/..." and
// "com.amazonaws.ecs#ClusterNotFoundException" both name ClusterNotFoundException.
[[nodiscard]] std::string clean_code(std::string code);

// The error code, message and request id of an error reply: XML (query protocol), JSON (JSON
// protocol) or the X-Amzn-ErrorType header; the HTTP status when it names nothing. Never throws
// for a malformed body: what cannot be read is left out.
[[nodiscard]] ParsedError parse_error(const AwsResponse& response);

}  // namespace aws_helper::aws::detail
