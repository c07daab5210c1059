// Private parts of the credentials chain: the readers of what the container endpoint and the
// shared credentials file say, declared so the fuzz target (tests/fuzz/credentials.cpp) can
// reach them without an environment, a file or a network; not part of the installed headers.
#pragma once

#include <chrono>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include <aws_helper/aws.hpp>

namespace aws_helper::aws::detail {

// "2026-11-27T10:00:00Z" (the container endpoint's Expiration); nullopt when unreadable.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_iso8601(
    const std::string& text);

// ConfigurationError when AWS_CONTAINER_CREDENTIALS_FULL_URI is a URL the authorization token
// may not be sent to (not HTTPS, not loopback or the ECS agent, or with user information).
void check_full_uri(const std::string& uri);

// The container credentials endpoint's reply body; AwsError (CredentialsUnavailable) when it is
// not JSON or lacks the keys.
[[nodiscard]] TimedCredentials container_credentials(std::string_view text);

// One profile of a shared credentials (or config) file: its keys, and whether its section
// ([name] or [profile name]) is there at all.
struct SharedFileProfile {
  sigv4::Credentials credentials;
  bool seen = false;
};
[[nodiscard]] SharedFileProfile read_shared_file(std::istream& in, const std::string& profile);

}  // namespace aws_helper::aws::detail
