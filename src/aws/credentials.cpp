// Credentials, region and endpoints: the parts of an AWS call that come from the environment.
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <sstream>

#include <aws_helper/aws.hpp>
#include <aws_helper/env.hpp>

#include "aws/credentials_detail.hpp"
#include "core/text.hpp"
#include "http/http_client.hpp"

namespace aws_helper::aws {
namespace {

using Clock = std::chrono::system_clock;

// Temporary credentials are replaced this long before they expire, so a call signed now is
// still valid when it reaches AWS (and a long invocation does not cross the expiry).
constexpr auto kRefreshMargin = std::chrono::minutes(5);

// The ECS agent's link-local address for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
constexpr std::string_view kContainerHost = "http://169.254.170.2";

using aws_helper::detail::trim;

std::optional<std::string> non_empty_env(const char* name) {
  auto value = get_env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

}  // namespace

namespace detail {
// "2026-11-27T10:00:00Z" (what the container endpoint sends); nullopt when unreadable.
std::optional<Clock::time_point> parse_iso8601(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  // system_clock counts nanoseconds in 64 bits (years 1678-2262): a time outside would overflow
  // in from_time_t. Not an expiry AWS sends; unreadable, like any other.
  constexpr auto kLimit = std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max());
  std::time_t seconds = timegm(&tm);
  if (seconds >= kLimit.count() || seconds <= -kLimit.count()) return std::nullopt;
  return Clock::from_time_t(seconds);
}
}  // namespace detail

namespace {

std::optional<TimedCredentials> from_environment() {
  auto key = non_empty_env("AWS_ACCESS_KEY_ID");
  auto secret = non_empty_env("AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) return std::nullopt;
  if (!key || !secret) {
    throw ConfigurationError(
        "AWS credentials in the environment are incomplete: set both AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY");
  }
  return TimedCredentials{
      {*key, *secret, get_env_or("AWS_SESSION_TOKEN", "")}, std::nullopt, "environment"};
}

}  // namespace

namespace detail {
// The SDKs only send the authorization token to the ECS agent, to loopback addresses, or over
// HTTPS; so do we, so a FULL_URI pointing elsewhere cannot leak it. The host is compared
// exactly, and user info ("http://localhost@evil/") is refused: curl would connect to "evil".
void check_full_uri(const std::string& uri) {
  auto refuse = [&uri](const std::string& why) {
    throw ConfigurationError("AWS_CONTAINER_CREDENTIALS_FULL_URI '" + uri + "' " + why);
  };
  bool https = uri.rfind("https://", 0) == 0;
  if (!https && uri.rfind("http://", 0) != 0) refuse("must be an http:// or https:// URL");
  auto rest = std::string_view(uri).substr(https ? 8 : 7);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos || authority.empty()) {
    refuse("must name a host without user information");
  }
  if (https) return;
  std::string_view host = authority;
  if (host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  for (std::string_view allowed :
       {"127.0.0.1", "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"}) {
    if (host == allowed) return;
  }
  refuse("must use HTTPS or a loopback host (or the ECS agent)");
}

TimedCredentials container_credentials(std::string_view text) {
  Json body;
  try {
    body = parse_json(text, "container credentials");
  } catch (const ValueError& error) {
    throw AwsError("credentials", "CredentialsUnavailable", error.what(), 200, "");
  }
  auto field = [&body](const char* name) -> std::string {
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  TimedCredentials out{
      {field("AccessKeyId"), field("SecretAccessKey"), field("Token")}, std::nullopt, "container"};
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    throw AwsError("credentials", "CredentialsUnavailable",
                   "the container credentials endpoint sent no AccessKeyId/SecretAccessKey", 200,
                   "");
  }
  if (auto expiration = field("Expiration"); !expiration.empty()) {
    out.expiration = parse_iso8601(expiration);
    // Unreadable: treat them as short-lived rather than cache them for ever.
    if (!out.expiration) out.expiration = Clock::now() + kRefreshMargin + std::chrono::minutes(5);
  }
  return out;
}
}  // namespace detail

namespace {

std::optional<TimedCredentials> from_container() {
  std::string url;
  bool full_uri = false;
  if (auto relative = non_empty_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    if (relative->front() != '/') {
      throw ConfigurationError("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    }
    url = std::string(kContainerHost) + *relative;
  } else if (auto full = non_empty_env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    detail::check_full_uri(*full);
    url = *full;
    full_uri = true;
  } else {
    return std::nullopt;
  }
  http::Request request;
  request.url = url;
  request.timeout = std::chrono::seconds(5);
  request.connect_timeout = std::chrono::seconds(2);
  // The authorization token goes with FULL_URI only (the ECS agent's RELATIVE_URI needs none).
  std::optional<std::string> token;
  if (!full_uri) {
    // nothing to add
  } else if (auto file = non_empty_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::ifstream in(*file);
    if (!in) {
      throw ConfigurationError("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '" + *file +
                               "' cannot be read");
    }
    std::stringstream content;
    content << in.rdbuf();
    token = std::string(trim(content.str()));
  } else {
    token = non_empty_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token) {
    if (aws_helper::detail::breaks_header_line(*token)) {
      throw ConfigurationError("the container authorization token contains CR, LF or NUL");
    }
    request.headers.add("Authorization", *token);
  }
  http::Response response;
  try {
    http::Client client;
    response = client.send(request);
  } catch (const http::TransportError& error) {
    throw AwsError(
        "credentials", "CredentialsUnavailable",
        std::string("the container credentials endpoint did not answer: ") + error.what(), 0, "");
  }
  if (response.status != 200) {
    throw AwsError("credentials", "CredentialsUnavailable",
                   "the container credentials endpoint answered " + std::to_string(response.status),
                   response.status, "");
  }
  return detail::container_credentials(response.body);
}

std::string credentials_file_path() {
  if (auto path = non_empty_env("AWS_SHARED_CREDENTIALS_FILE")) return *path;
  auto home = non_empty_env("HOME");
  return home ? *home + "/.aws/credentials" : std::string();
}

}  // namespace

namespace detail {
SharedFileProfile read_shared_file(std::istream& in, const std::string& profile) {
  std::string line;
  std::string section;
  SharedFileProfile out;
  while (std::getline(in, line)) {
    auto text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      section = trim(std::string_view(text).substr(1, text.size() - 2));
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      out.seen = out.seen || section == profile;
      continue;
    }
    if (section != profile) continue;
    auto equals = text.find('=');
    if (equals == std::string::npos) continue;
    auto key = trim(std::string_view(text).substr(0, equals));
    auto value = trim(std::string_view(text).substr(equals + 1));
    if (key == "aws_access_key_id") out.credentials.access_key_id = value;
    if (key == "aws_secret_access_key") out.credentials.secret_access_key = value;
    if (key == "aws_session_token") out.credentials.session_token = value;
  }
  return out;
}
}  // namespace detail

namespace {

std::optional<TimedCredentials> from_shared_file() {
  auto path = credentials_file_path();
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  auto profile = get_env_or("AWS_PROFILE", "");
  if (profile.empty()) profile = "default";
  auto [found, seen] = detail::read_shared_file(in, profile);
  if (!seen) {
    // Only an explicitly chosen profile that is missing is an error; no default profile just
    // means this source has nothing.
    if (non_empty_env("AWS_PROFILE")) {
      throw ConfigurationError("AWS_PROFILE '" + profile + "' is not in " + path);
    }
    return std::nullopt;
  }
  if (found.access_key_id.empty() || found.secret_access_key.empty()) {
    throw ConfigurationError("profile '" + profile + "' in " + path +
                             " lacks aws_access_key_id or aws_secret_access_key");
  }
  return TimedCredentials{found, std::nullopt, "shared-file"};
}

struct Cache {
  std::mutex mutex;
  std::optional<TimedCredentials> credentials;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

bool fresh(const TimedCredentials& credentials) {
  return !credentials.expiration || *credentials.expiration - kRefreshMargin > Clock::now();
}

}  // namespace

TimedCredentials CredentialsProvider::current() {
  // The environment is read every time: it is cheap, and it is what Lambda sets (including the
  // session token a new execution environment gets).
  if (auto env = from_environment()) return *env;
  auto& shared = cache();
  std::lock_guard lock(shared.mutex);
  if (shared.credentials && fresh(*shared.credentials)) return *shared.credentials;
  auto found = from_container();
  if (!found) found = from_shared_file();
  if (!found) {
    throw ConfigurationError(
        "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
        "AWS_SESSION_TOKEN), run with the ECS container credentials endpoint "
        "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI), or "
        "provide a shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, "
        "profile AWS_PROFILE)");
  }
  shared.credentials = found;
  return *found;
}

void CredentialsProvider::reset() {
  auto& shared = cache();
  std::lock_guard lock(shared.mutex);
  shared.credentials.reset();
}

std::string region() {
  if (auto value = non_empty_env("AWS_REGION")) return *value;
  if (auto value = non_empty_env("AWS_DEFAULT_REGION")) return *value;
  throw ConfigurationError("No AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)");
}

std::string endpoint(std::string_view env_name, std::string_view host_prefix) {
  return endpoint(env_name, host_prefix, std::string_view());
}

std::optional<std::string> arn_region(std::string_view text) {
  // arn:partition:service:region:account:resource
  if (text.rfind("arn:", 0) != 0) return std::nullopt;
  std::size_t start = 0;
  for (int field = 0; field < 3; ++field) {
    start = text.find(':', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  auto end = text.find(':', start);
  if (end == std::string_view::npos || end == start) return std::nullopt;
  return std::string(text.substr(start, end - start));
}

std::string endpoint(std::string_view env_name, std::string_view host_prefix,
                     std::string_view region_name) {
  std::string name = "AWS_ENDPOINT_URL_" + aws_helper::detail::upper(env_name);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return c == '-' || c == ' '; }, '_');
  auto value = non_empty_env(name.c_str());
  if (!value) value = non_empty_env("AWS_ENDPOINT_URL");
  std::string url;
  if (value) {
    url = *value;
  } else {
    url = "https://";
    url += host_prefix;
    url += '.';
    url += region_name.empty() ? region() : std::string(region_name);
    url += ".amazonaws.com";
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw ConfigurationError(
        name + " (or AWS_ENDPOINT_URL) must start with http:// or https://, got '" + url + "'");
  }
  return url;
}

}  // namespace aws_helper::aws
