// The AWS client core against local servers: signatures checked by the server, retries on
// throttling, 5xx and dropped connections, typed errors from XML/JSON/header replies, and the
// credentials chain.
#include <array>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/aws.hpp>
#include <aws_helper/deadline.hpp>
#include <aws_helper/trace.hpp>

#include "support/ports.hpp"

namespace aws_helper::aws {
namespace {

constexpr const char* kManagedEnv[] = {"AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_REGION",
                                       "AWS_DEFAULT_REGION",
                                       "AWS_ENDPOINT_URL",
                                       "AWS_ENDPOINT_URL_SNS",
                                       "AWS_MAX_ATTEMPTS",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                       "AWS_SHARED_CREDENTIALS_FILE",
                                       "AWS_PROFILE",
                                       "HOME"};

// Clears the AWS environment for each test and puts it back afterwards.
class AwsEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kManagedEnv) {
      if (const char* value = std::getenv(name)) saved_.emplace_back(name, value);  // NOLINT
      ::unsetenv(name);
    }
    ::setenv("HOME", "/nonexistent-home", 1);
    CredentialsProvider::reset();
    AwsClient::set_sleep_for_tests([this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    });
  }
  void TearDown() override {
    AwsClient::set_sleep_for_tests(nullptr);
    for (const char* name : kManagedEnv) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    CredentialsProvider::reset();
  }
  static void set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }
  // Static credentials and a region: what most tests need before any call.
  static void use_test_credentials() {
    set("AWS_ACCESS_KEY_ID", "AK");
    set("AWS_SECRET_ACCESS_KEY", "SK");
    set("AWS_REGION", "us-east-1");
  }

  std::vector<std::pair<std::string, std::string>> saved_;
  std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

// An httplib server on a loopback port, run on its own thread.
class Server {
 public:
  Server() {
    // One request per connection, so stop() need not wait out a kept-alive connection.
    server_.set_keep_alive_max_count(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Server() {
    server_.stop();
    thread_.join();
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  httplib::Server& operator*() { return server_; }
  httplib::Server* operator->() { return &server_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// Recomputes the SigV4 signature of a received request, as AWS does.
bool signature_valid(const httplib::Request& req, const sigv4::Credentials& credentials,
                     const std::string& region, const std::string& service) {
  auto authorization = req.get_header_value("Authorization");
  auto signed_at = authorization.find("SignedHeaders=");
  auto signature_at = authorization.find(", Signature=");
  if (signed_at == std::string::npos || signature_at == std::string::npos) return false;
  auto names = authorization.substr(signed_at + 14, signature_at - signed_at - 14);
  sigv4::Request request;
  request.method = req.method;
  request.path = req.target.substr(0, req.target.find('?'));
  auto q = req.target.find('?');
  request.query = q == std::string::npos ? "" : req.target.substr(q + 1);
  std::size_t begin = 0;
  while (begin <= names.size()) {
    auto end = names.find(';', begin);
    auto name = names.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    // The signer adds these two itself, from the time and the credentials.
    if (name != "x-amz-date" && name != "x-amz-security-token") {
      request.headers.add(name, req.get_header_value(name.c_str()));
    }
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  std::tm tm{};
  std::istringstream in(req.get_header_value("X-Amz-Date"));
  in >> std::get_time(&tm, "%Y%m%dT%H%M%SZ");
  sigv4::Options options;
  options.region = region;
  options.service = service;
  options.time = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto expected = sigv4::sign_headers(request, sigv4::sha256_hex(req.body), credentials, options);
  bool ok = authorization.substr(signature_at + 12) == expected.signature;
  if (!ok) ADD_FAILURE() << authorization << "\n" << expected.canonical_request;
  return ok;
}

const char* kThrottleXml =
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    "<Message>Rate exceeded</Message></Error><RequestId>req-throttle</RequestId></ErrorResponse>";

TEST_F(AwsEnvTest, SignsEveryRequestSoTheServerCanVerifyIt) {
  set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  set("AWS_SESSION_TOKEN", "session-token");
  set("AWS_REGION", "us-east-2");
  Server server;
  std::atomic<bool> valid{false};
  std::string token;
  server->Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    valid = signature_valid(
        req, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"},
        "us-east-2", "sns");
    token = req.get_header_value("X-Amz-Security-Token");
    res.set_content(
        "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult>"
        "</PublishResponse>",
        "text/xml");
  });
  set("AWS_ENDPOINT_URL_SNS", server.url() + "/");
  AwsClient client("sns", "SNS");
  auto reply = client.query("Publish", "2010-03-31", {{"Message", "héllo wörld & more"}});
  EXPECT_TRUE(valid);
  EXPECT_EQ(token, "session-token");
  EXPECT_EQ(xml_text(reply.body, "MessageId"), "m-1");
}

TEST_F(AwsEnvTest, RetriesThrottlingWithCappedJitteredBackoffThenSucceeds) {
  use_test_credentials();
  set("AWS_MAX_ATTEMPTS", "5");
  Server server;
  std::atomic<int> calls{0};
  server->Post("/", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls <= 3) {
      res.status = 400;
      res.set_content(kThrottleXml, "text/xml");
      return;
    }
    res.set_content("<Ok/>", "text/xml");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sqs", "SQS");
  auto reply = client.query("SendMessage", "2012-11-05", {});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(calls, 4);
  ASSERT_EQ(sleeps_.size(), 3U);
  // Full jitter: attempt n waits at most base * 2^n.
  for (std::size_t i = 0; i < sleeps_.size(); ++i) {
    EXPECT_LE(sleeps_[i].count(), 100 << i) << i;
    EXPECT_GE(sleeps_[i].count(), 0);
  }
}

TEST_F(AwsEnvTest, GivesUpAfterMaxAttemptsWithTheServiceErrorCodeStatusAndRequestId) {
  use_test_credentials();
  set("AWS_MAX_ATTEMPTS", "3");
  Server server;
  std::atomic<int> calls{0};
  server->Post("/", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
    res.set_header("x-amzn-RequestId", "req-503");
    res.set_content(
        "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>try later</Message>"
        "</Error></ErrorResponse>",
        "text/xml");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sns", "SNS");
  try {
    static_cast<void>(client.query("Publish", "2010-03-31", {}));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "ServiceUnavailable");
    EXPECT_EQ(error.status(), 503);
    EXPECT_EQ(error.request_id(), "req-503");
    EXPECT_EQ(error.service(), "sns");
    EXPECT_TRUE(error.retryable());
    EXPECT_NE(std::string(error.what()).find("try later"), std::string::npos);
  }
  EXPECT_EQ(calls, 3);
}

TEST_F(AwsEnvTest, DoesNotRetryAClientErrorAndReadsTheRequestIdFromTheXml) {
  use_test_credentials();
  Server server;
  std::atomic<int> calls{0};
  server->Post("/", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 400;
    res.set_content(
        "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender"
        "</Type><Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message>"
        "</Error><RequestId>req-xml</RequestId></ErrorResponse>",
        "text/xml");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sns", "SNS");
  try {
    static_cast<void>(client.query("Publish", "2010-03-31", {}));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "InvalidParameter");
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.request_id(), "req-xml");
    EXPECT_FALSE(error.retryable());
  }
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsEnvTest, ReadsJsonProtocolErrorsAndTheErrorTypeHeader) {
  use_test_credentials();
  Server server;
  std::string target;
  server->Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    target = req.get_header_value("X-Amz-Target");
    res.status = 400;
    res.set_content(
        R"({"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."})",
        "application/x-amz-json-1.1");
  });
  server->Post("/lambda", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_header("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/");
    res.set_content(R"({"Type":"User","Message":"Function not found: x"})", "application/json");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient ecs("ecs", "ECS");
  try {
    static_cast<void>(ecs.json("AmazonEC2ContainerServiceV20141113.RunTask", "1.1", {{"a", 1}}));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "ClusterNotFoundException");
    EXPECT_NE(std::string(error.what()).find("Cluster not found."), std::string::npos);
  }
  EXPECT_EQ(target, "AmazonEC2ContainerServiceV20141113.RunTask");
  AwsClient lambda("lambda", "LAMBDA");
  AwsRequest request;
  request.path = "/lambda";
  try {
    static_cast<void>(lambda.send(request));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "ResourceNotFoundException");
    EXPECT_EQ(error.status(), 404);
    EXPECT_NE(std::string(error.what()).find("Function not found: x"), std::string::npos);
  }
}

// A raw TCP server that closes the first `drops` connections without a reply, then answers.
class DroppingServer {
 public:
  explicit DroppingServer(int drops) : drops_(drops) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    ::listen(fd_, 8);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~DroppingServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  DroppingServer(const DroppingServer&) = delete;
  DroppingServer& operator=(const DroppingServer&) = delete;
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] int connections() const { return connections_; }

 private:
  void run() {
    while (!stop_) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      ++connections_;
      std::array<char, 4096> buffer{};
      static_cast<void>(::recv(client, buffer.data(), buffer.size(), 0));
      if (connections_ > drops_) {
        std::string reply =
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n<Ok/>";
        static_cast<void>(::send(client, reply.data(), reply.size(), MSG_NOSIGNAL));
      }
      ::close(client);
    }
  }
  int drops_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(AwsEnvTest, RetriesADroppedConnection) {
  use_test_credentials();
  DroppingServer server(2);
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sns", "SNS");
  auto reply = client.query("Publish", "2010-03-31", {});
  EXPECT_EQ(reply.body, "<Ok/>");
  EXPECT_EQ(server.connections(), 3);
}

TEST_F(AwsEnvTest, ATimedOutRequestThatMayHaveRunIsNotSentAgain) {
  use_test_credentials();
  Server server;
  std::atomic<int> calls{0};
  server->Post("/slow", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    res.set_content("{}", "application/json");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("lambda", "LAMBDA");
  AwsRequest request;
  request.path = "/slow";
  request.timeout = std::chrono::milliseconds(100);
  request.idempotent = false;
  EXPECT_THROW(static_cast<void>(client.send(request)), AwsError);
  EXPECT_EQ(calls, 1);
  request.idempotent = true;
  EXPECT_THROW(static_cast<void>(client.send(request)), AwsError);
  EXPECT_EQ(calls, 4);  // 1 + 3 attempts
}

// Inside an invocation every call is bounded by its deadline: a slow reply (no timeout of its
// own) ends at the deadline with a typed error, and a retry that could not finish in time is
// not started.
TEST_F(AwsEnvTest, TheInvocationDeadlineBoundsASlowReplyAndItsRetries) {
  use_test_credentials();
  Server server;
  std::atomic<int> calls{0};
  server->Post("/slow", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content("{}", "application/json");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("lambda", "LAMBDA");
  AwsRequest request;
  request.path = "/slow";
  request.idempotent = true;  // retryable, no timeout of its own
  DeadlineScope deadline{std::chrono::steady_clock::now() + std::chrono::milliseconds(300)};
  auto start = std::chrono::steady_clock::now();
  try {
    static_cast<void>(client.send(request));
    ADD_FAILURE() << "expected a timeout";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "RequestTimeout");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  // The attempts after the deadline were cut to curl's floor and the backoff stopped them.
  EXPECT_LE(calls.load(), 2);
}

TEST_F(AwsEnvTest, ThrottlingIsNotRetriedPastTheDeadline) {
  use_test_credentials();
  AwsClient::set_sleep_for_tests(nullptr);  // real sleeps: the deadline is real time
  Server server;
  std::atomic<int> calls{0};
  server->Post("/", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
    res.set_content("<ErrorResponse><Error><Code>ServiceUnavailable</Code></Error></ErrorResponse>",
                    "text/xml");
  });
  set("AWS_ENDPOINT_URL", server.url());
  set("AWS_MAX_ATTEMPTS", "50");
  AwsClient client("sns", "SNS");
  DeadlineScope deadline{std::chrono::steady_clock::now() + std::chrono::milliseconds(400)};
  auto start = std::chrono::steady_clock::now();
  try {
    static_cast<void>(client.query("Publish", "2010-03-31", {}));
    ADD_FAILURE() << "expected ServiceUnavailable";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "ServiceUnavailable");
    EXPECT_EQ(error.status(), 503);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(450));
  EXPECT_LT(calls.load(), 50);
}

// A reply that is not what the protocol says: a typed error, the bytes not quoted back.
TEST_F(AwsEnvTest, AMalformedReplyIsATypedErrorThatQuotesNothing) {
  use_test_credentials();
  Server server;
  server->Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("X-Amz-Target")) {
      res.set_content(R"({"secret": "s3cr3t", "unterminated)", "application/x-amz-json-1.1");
    } else {
      res.status = 500;
      res.set_content("<html>s3cr3t gateway page", "text/html");
    }
  });
  set("AWS_ENDPOINT_URL", server.url());
  set("AWS_MAX_ATTEMPTS", "1");
  AwsClient ecs("ecs", "ECS");
  try {
    static_cast<void>(ecs.json("AmazonEC2ContainerServiceV20141113.RunTask", "1.1", {{"a", 1}}));
    ADD_FAILURE() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "InvalidReply");
    EXPECT_EQ(std::string(error.what()).find("s3cr3t"), std::string::npos) << error.what();
  }
  AwsClient sns("sns", "SNS");
  try {
    static_cast<void>(sns.query("Publish", "2010-03-31", {}));
    ADD_FAILURE() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.status(), 500);
    EXPECT_FALSE(error.code().empty());
    EXPECT_EQ(std::string(error.what()).find("s3cr3t"), std::string::npos) << error.what();
  }
}

TEST_F(AwsEnvTest, SignatureErrorsDoNotQuoteTheCanonicalRequest) {
  use_test_credentials();
  Server server;
  server->Post("/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(
        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
        "calculated does not match the signature you provided. The Canonical String for this "
        "request should have been 'POST\n/\n\nx-amz-security-token:SECRET-TOKEN\n'</Message>"
        "</Error></ErrorResponse>",
        "text/xml");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sns", "SNS");
  try {
    static_cast<void>(client.query("Publish", "2010-03-31", {}));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code(), "SignatureDoesNotMatch");
    EXPECT_EQ(std::string(error.what()).find("SECRET-TOKEN"), std::string::npos) << error.what();
  }
}

TEST_F(AwsEnvTest, AnUnreachableEndpointIsARetryableErrorWithNoStatus) {
  use_test_credentials();
  set("AWS_MAX_ATTEMPTS", "2");
  set("AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(testing::unused_port()));
  AwsClient client("sns", "SNS");
  try {
    static_cast<void>(client.query("Publish", "2010-03-31", {}));
    FAIL() << "no error";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.status(), 0);
    EXPECT_EQ(error.code(), "ConnectionError");
    EXPECT_TRUE(error.retryable());
  }
  EXPECT_EQ(sleeps_.size(), 1U);
}

// Every call continues the current trace; like botocore, the header is left out of the
// signature (X-Ray and proxies rewrite it), so the signature still verifies.
TEST_F(AwsEnvTest, CallsCarryTheCurrentTraceOutsideTheSignature) {
  use_test_credentials();
  Server server;
  std::mutex mutex;
  std::vector<std::string> traces;
  std::vector<std::string> signed_headers;
  std::atomic<bool> all_valid{true};
  server->Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    traces.push_back(req.has_header("X-Amzn-Trace-Id") ? req.get_header_value("X-Amzn-Trace-Id")
                                                       : "(none)");
    auto authorization = req.get_header_value("Authorization");
    auto begin = authorization.find("SignedHeaders=");
    signed_headers.push_back(authorization.substr(begin, authorization.find(',', begin) - begin));
    if (!signature_valid(req, {"AK", "SK", ""}, "us-east-1", "sqs")) all_valid = false;
    res.set_content("{}", "application/x-amz-json-1.0");
  });
  set("AWS_ENDPOINT_URL", server.url());
  AwsClient client("sqs", "SQS");
  const std::string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
  static_cast<void>(client.json("AmazonSQS.ListQueues", "1.0", Json::object()));
  {
    trace::Scope scope{header};
    static_cast<void>(client.json("AmazonSQS.ListQueues", "1.0", Json::object()));
    // A header the caller set itself is sent (and signed) as given.
    AwsRequest own;
    own.headers.add("X-Amzn-Trace-Id", "Root=1-11111111-222222222222222222222222");
    static_cast<void>(client.send(own));
  }
  ASSERT_EQ(traces.size(), 3U);
  EXPECT_EQ(traces[0], "(none)");
  EXPECT_EQ(traces[1], header);
  EXPECT_EQ(traces[2], "Root=1-11111111-222222222222222222222222");
  EXPECT_EQ(signed_headers[1].find("x-amzn-trace-id"), std::string::npos) << signed_headers[1];
  EXPECT_TRUE(all_valid);
}

TEST_F(AwsEnvTest, RegionAndEndpointComeFromTheEnvironment) {
  EXPECT_THROW(static_cast<void>(region()), ConfigurationError);
  set("AWS_DEFAULT_REGION", "eu-west-1");
  EXPECT_EQ(region(), "eu-west-1");
  set("AWS_REGION", "us-east-2");
  EXPECT_EQ(region(), "us-east-2");
  EXPECT_EQ(endpoint("SNS", "sns"), "https://sns.us-east-2.amazonaws.com");
  set("AWS_ENDPOINT_URL", "http://localhost:5000/");
  EXPECT_EQ(endpoint("SNS", "sns"), "http://localhost:5000");
  set("AWS_ENDPOINT_URL_SNS", "http://localhost:6000");
  EXPECT_EQ(endpoint("sns", "sns"), "http://localhost:6000");
  EXPECT_EQ(endpoint("SQS", "sqs"), "http://localhost:5000");
  set("AWS_ENDPOINT_URL_SNS", "localhost:6000");
  EXPECT_THROW(static_cast<void>(endpoint("SNS", "sns")), ConfigurationError);
}

TEST_F(AwsEnvTest, BadMaxAttemptsIsAConfigurationError) {
  set("AWS_MAX_ATTEMPTS", "three");
  EXPECT_THROW(static_cast<void>(RetryPolicy::from_env()), ConfigurationError);
  set("AWS_MAX_ATTEMPTS", "0");
  EXPECT_THROW(static_cast<void>(RetryPolicy::from_env()), ConfigurationError);
  set("AWS_MAX_ATTEMPTS", "7");
  EXPECT_EQ(RetryPolicy::from_env().max_attempts, 7);
}

TEST_F(AwsEnvTest, NoCredentialsNamesEverySource) {
  try {
    static_cast<void>(CredentialsProvider::current());
    FAIL() << "no error";
  } catch (const ConfigurationError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
    EXPECT_NE(message.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos);
    EXPECT_NE(message.find("AWS_PROFILE"), std::string::npos);
  }
  set("AWS_ACCESS_KEY_ID", "only-half");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
}

TEST_F(AwsEnvTest, EnvironmentCredentialsComeFirstWithTheSessionToken) {
  set("AWS_ACCESS_KEY_ID", "AK");
  set("AWS_SECRET_ACCESS_KEY", "SK");
  set("AWS_SESSION_TOKEN", "TOKEN");
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/never");
  auto credentials = CredentialsProvider::current();
  EXPECT_EQ(credentials.source, "environment");
  EXPECT_EQ(credentials.credentials.access_key_id, "AK");
  EXPECT_EQ(credentials.credentials.session_token, "TOKEN");
}

std::string iso8601(std::chrono::system_clock::time_point time) {
  auto t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

TEST_F(AwsEnvTest, ContainerCredentialsAreCachedAndRefreshedBeforeExpiry) {
  Server server;
  std::atomic<int> calls{0};
  std::string authorization;
  std::atomic<int> lifetime_minutes{60};
  server->Get("/creds", [&](const httplib::Request& req, httplib::Response& res) {
    ++calls;
    authorization = req.get_header_value("Authorization");
    Json body = {{"AccessKeyId", "ASIA" + std::to_string(calls.load())},
                 {"SecretAccessKey", "secret"},
                 {"Token", "tok"},
                 {"Expiration", iso8601(std::chrono::system_clock::now() +
                                        std::chrono::minutes(lifetime_minutes.load()))}};
    res.set_content(body.dump(), "application/json");
  });
  auto token_file = std::filesystem::temp_directory_path() / "aws-helper-token-test";
  std::ofstream(token_file) << "file-token\n";
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/creds");
  set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token");
  set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.string());

  auto first = CredentialsProvider::current();
  auto second = CredentialsProvider::current();
  EXPECT_EQ(first.source, "container");
  EXPECT_EQ(first.credentials.access_key_id, "ASIA1");
  EXPECT_EQ(second.credentials.access_key_id, "ASIA1");
  EXPECT_EQ(first.credentials.session_token, "tok");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(authorization, "file-token");  // the file wins over the variable, as in the SDKs

  // Credentials that expire within five minutes are fetched again on every use.
  CredentialsProvider::reset();
  lifetime_minutes = 4;
  static_cast<void>(CredentialsProvider::current());
  auto refreshed = CredentialsProvider::current();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(refreshed.credentials.access_key_id, "ASIA3");
  std::filesystem::remove(token_file);
}

TEST_F(AwsEnvTest, ContainerEndpointFailuresAreClearErrors) {
  Server server;
  server->Get("/denied", [](const httplib::Request&, httplib::Response& res) { res.status = 401; });
  server->Get("/garbage", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("not json", "text/plain");
  });
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/denied");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), AwsError);
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/garbage");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), AwsError);
  // The token is only ever sent to loopback, the ECS agent or over HTTPS.
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example.com/creds");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1.evil.example.com/creds");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:1@evil.example.com/creds");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://user@creds.example.com/");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  ::unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example.com/creds");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
}

TEST_F(AwsEnvTest, SharedCredentialsFileWithProfile) {
  auto file = std::filesystem::temp_directory_path() / "aws-helper-credentials-test";
  std::ofstream(file) << "# comment\n[default]\naws_access_key_id = DEFAULTKEY\n"
                         "aws_secret_access_key = defaultsecret\n\n[dev]\n"
                         "aws_access_key_id=DEVKEY\naws_secret_access_key=devsecret\n"
                         "aws_session_token = devtoken\n[broken]\naws_access_key_id=X\n";
  set("AWS_SHARED_CREDENTIALS_FILE", file.string());
  EXPECT_EQ(CredentialsProvider::current().credentials.access_key_id, "DEFAULTKEY");
  CredentialsProvider::reset();
  set("AWS_PROFILE", "dev");
  auto dev = CredentialsProvider::current();
  EXPECT_EQ(dev.source, "shared-file");
  EXPECT_EQ(dev.credentials.access_key_id, "DEVKEY");
  EXPECT_EQ(dev.credentials.session_token, "devtoken");
  CredentialsProvider::reset();
  set("AWS_PROFILE", "missing");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  set("AWS_PROFILE", "broken");
  EXPECT_THROW(static_cast<void>(CredentialsProvider::current()), ConfigurationError);
  std::filesystem::remove(file);
}

TEST(AwsHelpersTest, FormEncodingIsRfc3986) {
  EXPECT_EQ(form_encode({{"Action", "Publish"}, {"Message", "a b+c/é~"}, {"Empty", ""}}),
            "Action=Publish&Message=a%20b%2Bc%2F%C3%A9~&Empty=");
}

TEST(AwsHelpersTest, XmlTextFindsElementsAtAnyDepthAndRefusesNonXml) {
  std::string xml =
      "<R xmlns=\"http://x\"><A><MessageId>id-1</MessageId></A><MessageId>id-2</MessageId></R>";
  EXPECT_EQ(xml_text(xml, "MessageId"), "id-1");
  EXPECT_EQ(xml_text(xml, "Nope"), std::nullopt);
  EXPECT_THROW(static_cast<void>(xml_text("{\"json\": true}", "A")), ValueError);
}

}  // namespace
}  // namespace aws_helper::aws
