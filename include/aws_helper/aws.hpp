// The AWS client core: credentials, region, endpoints, signed requests with retries, and typed
// errors. The service clients (SNS, SQS, ECS, Lambda) are built on AwsClient.
//
// Credentials, first found wins (never the EC2 metadata service: it stalls cold starts):
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)  -- what Lambda sets
//   2. the ECS container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) -- Fargate
//   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials), profile
//      AWS_PROFILE (default "default")
// Temporary credentials are cached and refreshed five minutes before they expire.
//
// Region: AWS_REGION, else AWS_DEFAULT_REGION. Endpoint of a service: AWS_ENDPOINT_URL_<SERVICE>
// (e.g. AWS_ENDPOINT_URL_SNS), else AWS_ENDPOINT_URL, else
// https://<service>.<region>.amazonaws.com.
//
// Retries: connection errors, 5xx, 429 and throttling error codes, up to AWS_MAX_ATTEMPTS
// attempts (default 3), with capped exponential backoff and full jitter.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/sigv4.hpp>

namespace aws_helper::aws {

// A failed AWS call: the service's error code and message, the HTTP status (0 when no reply
// came) and the request id.
class AwsError : public Error {
 public:
  AwsError(std::string service, std::string code, const std::string& message, int status,
           std::string request_id);
  [[nodiscard]] const std::string& service() const noexcept { return service_; }
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  [[nodiscard]] int status() const noexcept { return status_; }
  [[nodiscard]] const std::string& request_id() const noexcept { return request_id_; }
  // Throttling, 5xx, 429 or no reply at all.
  [[nodiscard]] bool retryable() const noexcept;

 private:
  std::string service_;
  std::string code_;
  int status_;
  std::string request_id_;
};

struct TimedCredentials {
  sigv4::Credentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "environment", "container", "shared-file"
};

// The credentials chain above. current() caches; refresh is thread-safe.
class CredentialsProvider {
 public:
  // Throws ConfigurationError naming the three sources when none has credentials.
  [[nodiscard]] static TimedCredentials current();
  static void reset();
};

// AWS_REGION, else AWS_DEFAULT_REGION; ConfigurationError when neither is set.
[[nodiscard]] std::string region();

// The endpoint URL (no trailing '/') for a service: `env_name` is the AWS_ENDPOINT_URL_<NAME>
// suffix ("SNS"), `host_prefix` the default host's first label ("sns").
[[nodiscard]] std::string endpoint(std::string_view env_name, std::string_view host_prefix);
// The same, for a given region (e.g. the one in a resource's ARN).
[[nodiscard]] std::string endpoint(std::string_view env_name, std::string_view host_prefix,
                                   std::string_view region);

// The region of an ARN ("arn:aws:sns:us-east-2:123456789012:topic" -> "us-east-2"); nullopt
// when `text` is not an ARN or names no region.
[[nodiscard]] std::optional<std::string> arn_region(std::string_view text);

struct RetryPolicy {
  int max_attempts = 3;  // AWS_MAX_ATTEMPTS when set
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{20000};
  [[nodiscard]] static RetryPolicy from_env();
};

struct AwsRequest {
  std::string method = "POST";
  std::string path = "/";  // percent-encoded as it goes on the wire
  std::string query;       // encoded, without '?'
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // false: a request that may have reached AWS is not sent again after a timeout (a synchronous
  // Lambda invoke would run the function twice). Refused connections are still retried.
  bool idempotent = true;
};

struct AwsResponse {
  int status = 0;  // the HTTP status, an int as everywhere in the public API
  Headers headers;
  std::string body;
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  [[nodiscard]] std::string request_id() const;
};

// One AWS service: signs with SigV4, sends over a kept-alive connection (one per thread, reused
// by warm invocations), retries, and turns error replies (XML, JSON or headers) into AwsError.
class AwsClient {
 public:
  // `signing_name` is the SigV4 service ("sns", "sqs", "ecs", "lambda"); `env_name` the
  // endpoint override suffix ("SNS").
  AwsClient(std::string signing_name, const std::string& env_name);
  // The same for an explicit region (the endpoint default follows it).
  AwsClient(std::string signing_name, const std::string& env_name, std::string region);

  // Throws AwsError for an error reply (after retries) or when no reply came.
  [[nodiscard]] AwsResponse send(const AwsRequest& request) const;

  // The AWS query protocol (SNS, SQS): Action, Version and the parameters form-encoded in a
  // POST body; returns the XML reply.
  [[nodiscard]] AwsResponse query(
      std::string_view action, std::string_view version,
      const std::vector<std::pair<std::string, std::string>>& params) const;

  // The AWS JSON protocol (ECS: "1.1", target "AmazonEC2ContainerServiceV20141113.RunTask").
  [[nodiscard]] Json json(std::string_view target, std::string_view json_version,
                          const Json& body) const;

  [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }
  [[nodiscard]] const std::string& region() const noexcept { return region_; }

  // Tests: replaces the sleep between attempts.
  static void set_sleep_for_tests(std::function<void(std::chrono::milliseconds)> sleep);

 private:
  std::string signing_name_;
  std::string region_;
  std::string endpoint_;
  RetryPolicy retry_;
};

// Form encoding for the query protocol: RFC 3986 (the form SigV4 expects).
[[nodiscard]] std::string form_encode(
    const std::vector<std::pair<std::string, std::string>>& params);

// The text of the first element named `name` (at any depth) in an XML document; nullopt when
// absent. ValueError when the text is not XML.
[[nodiscard]] std::optional<std::string> xml_text(std::string_view xml, std::string_view name);

}  // namespace aws_helper::aws
