// Signed AWS requests: retries with capped exponential backoff and full jitter, typed errors
// from XML, JSON and header replies.
#include <algorithm>
#include <array>
#include <mutex>
#include <random>
#include <thread>

#include <pugixml.hpp>

#include <aws_helper/aws.hpp>
#include <aws_helper/deadline.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/trace.hpp>

#include "aws/client_detail.hpp"
#include "http/http_client.hpp"

namespace aws_helper::aws {
namespace {

// Error codes that mean "slow down" whatever the HTTP status (botocore's list).
constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 4> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable"};

std::mutex& sleep_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::function<void(std::chrono::milliseconds)>& sleep_function() {
  static std::function<void(std::chrono::milliseconds)> sleep;
  return sleep;
}

void sleep_for(std::chrono::milliseconds delay) {
  std::function<void(std::chrono::milliseconds)> sleep;
  {
    std::lock_guard lock(sleep_mutex());
    sleep = sleep_function();
  }
  if (sleep) {
    sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

// Full jitter (the AWS Architecture Blog's "Exponential Backoff And Jitter"): a uniform delay
// in [0, min(cap, base * 2^attempt)].
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  auto ceiling = policy.base.count();
  for (int i = 0; i < attempt && ceiling < policy.cap.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.cap.count());
  std::uniform_int_distribution<long long> pick(0, ceiling);
  return std::chrono::milliseconds(pick(random));
}

struct Endpoint {
  std::string origin;  // scheme://host[:port]
  std::string host;    // host[:port], the Host header
  std::string base_path;
};

Endpoint split_endpoint(const std::string& url) {
  auto scheme_end = url.find("://");
  auto host_begin = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  auto path_begin = url.find('/', host_begin);
  Endpoint out;
  out.origin = url.substr(0, path_begin);
  out.host = url.substr(
      host_begin, path_begin == std::string::npos ? std::string::npos : path_begin - host_begin);
  if (path_begin != std::string::npos) out.base_path = url.substr(path_begin);
  // The default ports are left out of Host (and so of the signature), as the SDKs do.
  auto strip = [&out](std::string_view scheme, std::string_view port) {
    if (out.origin.rfind(scheme, 0) == 0 && out.host.size() > port.size() &&
        out.host.compare(out.host.size() - port.size(), port.size(), port) == 0) {
      out.host.resize(out.host.size() - port.size());
    }
  };
  strip("https://", ":443");
  strip("http://", ":80");
  return out;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

http::Client& thread_client() {
  // One connection cache per thread: kept alive across warm invocations, never shared.
  thread_local http::Client client;
  return client;
}

}  // namespace

namespace detail {

std::string clean_code(std::string code) {
  if (auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (auto hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
  return code;
}

ParsedError parse_error(const AwsResponse& response) {
  ParsedError out;
  out.request_id = response.request_id();
  std::string_view body = response.body;
  auto content_type = response.header("Content-Type").value_or("");
  bool looks_xml = !body.empty() && body.front() == '<';
  if (looks_xml) {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      auto error = doc.select_node("//Error").node();
      out.code = error.child("Code").text().as_string();
      out.message = error.child("Message").text().as_string();
      if (out.request_id.empty()) {
        out.request_id = doc.select_node("//RequestId").node().text().as_string();
      }
    }
  } else if (!body.empty() && (body.front() == '{' || contains(content_type, "json"))) {
    try {
      auto json = parse_json(body, "AWS error reply");
      if (json.is_object()) {
        for (const char* key : {"__type", "code", "Code"}) {
          if (auto it = json.find(key); it != json.end() && it->is_string()) {
            out.code = it->get<std::string>();
            break;
          }
        }
        for (const char* key : {"message", "Message", "errorMessage"}) {
          if (auto it = json.find(key); it != json.end() && it->is_string()) {
            out.message = it->get<std::string>();
            break;
          }
        }
      }
    } catch (const ValueError&) {
      // Not JSON after all: keep the status and the raw text below.
    }
  }
  if (auto header = response.header("X-Amzn-ErrorType"); header && !header->empty()) {
    out.code = *header;
  }
  // SignatureDoesNotMatch replies quote the canonical request, whose signed headers include the
  // session token: keep that out of error messages and logs.
  if (auto canonical = out.message.find("The Canonical String"); canonical != std::string::npos) {
    out.message.resize(canonical);
    while (!out.message.empty() && out.message.back() == ' ') out.message.pop_back();
  }
  out.code = clean_code(out.code);
  if (out.code.empty()) out.code = "HTTP" + std::to_string(response.status);
  // A reply with no message of its own (a proxy's HTML page, a truncated body) is described,
  // not quoted: its bytes are not ours to put in messages and logs.
  if (out.message.empty()) {
    out.message = body.empty()
                      ? "HTTP " + std::to_string(response.status)
                      : "a reply of " + std::to_string(body.size()) + " bytes" +
                            (content_type.empty() ? "" : " (" + excerpt(content_type) + ")") +
                            " with no error message";
  }
  return out;
}

}  // namespace detail

AwsError::AwsError(std::string service, std::string code, const std::string& message, int status,
                   std::string request_id)
    : Error("AwsError",
            service + " " + code + (status > 0 ? " (HTTP " + std::to_string(status) + ")" : "") +
                ": " + message + (request_id.empty() ? "" : " [request id " + request_id + "]"),
            502),
      service_(std::move(service)),
      code_(std::move(code)),
      status_(status),
      request_id_(std::move(request_id)) {}

bool AwsError::retryable() const noexcept {
  if (status_ == 0 || status_ == 429 || status_ >= 500) return true;
  auto is = [this](std::string_view code) { return code == code_; };
  return std::any_of(kThrottlingCodes.begin(), kThrottlingCodes.end(), is) ||
         std::any_of(kTransientCodes.begin(), kTransientCodes.end(), is);
}

RetryPolicy RetryPolicy::from_env() {
  RetryPolicy policy;
  if (auto value = get_env("AWS_MAX_ATTEMPTS"); value && !value->empty()) {
    int attempts = 0;
    try {
      std::size_t used = 0;
      attempts = std::stoi(*value, &used);
      if (used != value->size()) attempts = 0;
    } catch (const std::exception&) {
      attempts = 0;
    }
    if (attempts < 1) {
      throw ConfigurationError("AWS_MAX_ATTEMPTS must be a whole number of at least 1, got '" +
                               *value + "'");
    }
    policy.max_attempts = attempts;
  }
  return policy;
}

std::optional<std::string> AwsResponse::header(std::string_view name) const {
  return headers.get(name);
}

std::string AwsResponse::request_id() const {
  for (std::string_view name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-request-id"}) {
    if (auto value = header(name)) return *value;
  }
  return {};
}

AwsClient::AwsClient(std::string signing_name, const std::string& env_name)
    : AwsClient(std::move(signing_name), env_name, aws::region()) {}

AwsClient::AwsClient(std::string signing_name, const std::string& env_name, std::string region)
    : signing_name_(std::move(signing_name)),
      region_(std::move(region)),
      endpoint_(aws::endpoint(env_name, signing_name_, region_)),
      retry_(RetryPolicy::from_env()) {}

void AwsClient::set_sleep_for_tests(std::function<void(std::chrono::milliseconds)> sleep) {
  std::lock_guard lock(sleep_mutex());
  sleep_function() = std::move(sleep);
}

// Over 60 lines: the retry loop (sign, send, classify, back off) reads best as one loop.
// NOLINTNEXTLINE(readability-function-size)
AwsResponse AwsClient::send(const AwsRequest& request) const {
  auto where = split_endpoint(endpoint_);
  std::string path = where.base_path + (request.path.empty() ? "/" : request.path);
  // The caller's trace, so the service (SNS, SQS, Lambda, ECS) continues it; unless the caller
  // set the header itself.
  std::string trace_header =
      request.headers.contains(trace::kHttpHeader) ? std::string() : trace::current();
  bool refreshed = false;
  for (int attempt = 0;; ++attempt) {
    auto credentials = CredentialsProvider::current();
    sigv4::Request to_sign;
    to_sign.method = request.method;
    to_sign.path = path;
    to_sign.query = request.query;
    to_sign.headers = request.headers;
    to_sign.headers.add("Host", where.host);
    sigv4::Options options;
    options.region = region_;
    options.service = signing_name_;
    auto signed_request = sigv4::sign_headers(to_sign, sigv4::sha256_hex(request.body),
                                              credentials.credentials, options);
    http::Request wire;
    wire.method = request.method;
    wire.url = where.origin + path + (request.query.empty() ? "" : "?" + request.query);
    wire.headers = request.headers;
    for (const auto& [name, value] : signed_request.headers) wire.headers.add(name, value);
    // Added after signing, as botocore leaves it out of the signature: X-Ray and proxies
    // rewrite it on the way, which must not break the signature.
    if (!trace_header.empty()) wire.headers.add(std::string(trace::kHttpHeader), trace_header);
    wire.body = request.body;
    wire.timeout = request.timeout;

    std::optional<AwsError> failure;
    try {
      auto reply = thread_client().send(wire);
      AwsResponse response{reply.status, std::move(reply.headers), std::move(reply.body)};
      if (response.status < 300) return response;
      auto parsed = detail::parse_error(response);
      failure.emplace(signing_name_, parsed.code, parsed.message, response.status,
                      parsed.request_id);
    } catch (const http::TransportError& error) {
      // A dropped keep-alive connection is the common case; curl opens a new one next time.
      failure.emplace(signing_name_, error.timed_out() ? "RequestTimeout" : "ConnectionError",
                      error.what(), 0, "");
    }
    // Temporary credentials that expired early (or were revoked) are fetched again, once.
    bool expired = failure->code() == "ExpiredToken" || failure->code() == "ExpiredTokenException";
    if (expired && !refreshed && credentials.source == "container") {
      refreshed = true;
      CredentialsProvider::reset();
      continue;
    }
    bool maybe_delivered = failure->status() == 0 && failure->code() == "RequestTimeout";
    if (!failure->retryable() || attempt + 1 >= retry_.max_attempts ||
        (maybe_delivered && !request.idempotent)) {
      throw std::move(*failure);
    }
    auto delay = backoff(retry_, attempt);
    // A retry that could not finish before the invocation's deadline is not started: the caller
    // gets the typed error while it can still answer.
    if (auto left = time_left(); left && delay + std::chrono::milliseconds(50) >= *left) {
      throw std::move(*failure);
    }
    Logger("aws_helper.aws")
        .with(LogLevel::warn, failure->what(),
              {{"attempt", attempt + 1}, {"retry_in_ms", delay.count()}});
    sleep_for(delay);
  }
}

AwsResponse AwsClient::query(std::string_view action, std::string_view version,
                             const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::pair<std::string, std::string>> all;
  all.reserve(params.size() + 2);
  all.emplace_back("Action", std::string(action));
  all.emplace_back("Version", std::string(version));
  all.insert(all.end(), params.begin(), params.end());
  AwsRequest request;
  request.method = "POST";
  request.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = form_encode(all);
  return send(request);
}

Json AwsClient::json(std::string_view target, std::string_view json_version,
                     const Json& body) const {
  AwsRequest request;
  request.method = "POST";
  request.headers.add("Content-Type", "application/x-amz-json-" + std::string(json_version));
  request.headers.add("X-Amz-Target", std::string(target));
  request.body = dump_json(body);
  auto response = send(request);
  if (response.body.empty()) return Json::object();
  try {
    return parse_json(response.body, std::string(target) + " reply");
  } catch (const ValueError& error) {
    throw AwsError(signing_name_, "InvalidReply", error.what(), response.status,
                   response.request_id());
  }
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += sigv4::uri_encode(key);
    out += '=';
    out += sigv4::uri_encode(value);
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view name) {
  pugi::xml_document doc;
  auto result = doc.load_buffer(xml.data(), xml.size());
  if (!result) throw ValueError(std::string("AWS reply is not XML: ") + result.description());
  auto node = doc.find_node([name](const pugi::xml_node& candidate) {
    return candidate.type() == pugi::node_element && name == candidate.name();
  });
  if (!node) return std::nullopt;
  return std::string(node.text().as_string());
}

}  // namespace aws_helper::aws
