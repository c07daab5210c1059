// Where AWS credentials come from, read without the environment, a file or the network: the
// shared credentials / config file (profiles, [profile name] sections, comments, blanks), the
// ECS container endpoint's JSON reply with its ISO 8601 Expiration, and the
// AWS_CONTAINER_CREDENTIALS_FULL_URI check that decides whether the authorization token may be
// sent.
#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>

#include <aws_helper/aws.hpp>
#include <aws_helper/error.hpp>

#include "aws/credentials_detail.hpp"
#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool trimmed(const std::string& text) {
  return text.empty() || (!blank(text.front()) && !blank(text.back()));
}

void shared_file(const std::string& text) {
  for (const char* profile : {"default", "dev", "profile dev"}) {
    std::istringstream in(text);
    auto [credentials, seen] = aws::detail::read_shared_file(in, profile);
    FUZZ_CHECK(trimmed(credentials.access_key_id));
    FUZZ_CHECK(trimmed(credentials.secret_access_key));
    FUZZ_CHECK(trimmed(credentials.session_token));
    if (!seen) FUZZ_CHECK(credentials.access_key_id.empty());
  }
}

void container_reply(const std::string& text) {
  try {
    auto found = aws::detail::container_credentials(text);
    FUZZ_CHECK(!found.credentials.access_key_id.empty());
    FUZZ_CHECK(!found.credentials.secret_access_key.empty());
    FUZZ_CHECK(found.source == "container");
  } catch (const aws::AwsError& error) {
    FUZZ_CHECK(error.code() == "CredentialsUnavailable");
  }
  if (auto when = aws::detail::parse_iso8601(text)) {
    static_cast<void>(when->time_since_epoch().count());
  }
}

void full_uri(const std::string& text) {
  try {
    aws::detail::check_full_uri(text);
    // Accepted: HTTPS, or plain HTTP to a loopback host or the ECS agent, never with user info.
    bool https = text.starts_with("https://");
    FUZZ_CHECK(https || text.starts_with("http://"));
    auto rest = std::string_view(text).substr(https ? 8 : 7);
    auto authority = rest.substr(0, rest.find_first_of("/?#"));
    FUZZ_CHECK(!authority.empty() && authority.find('@') == std::string_view::npos);
  } catch (const ConfigurationError&) {
  }
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  std::string text(fuzz::text_of(data, size));
  shared_file(text);
  container_reply(text);
  full_uri(text);
  return 0;
}
