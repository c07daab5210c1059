// The shapes follow AWS's documented events (and sam local generate-event's templates):
// API Gateway proxy integrations (REST v1, HTTP API payload 2.0), Lambda Function URLs, ALB
// target groups, SQS, SNS and EventBridge scheduled events.
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/sample_events.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper::sample_events {

namespace {

constexpr std::string_view kAccount = "123456789012";

std::string region() {
  return get_env_or("AWS_REGION", get_env_or("AWS_DEFAULT_REGION", "us-east-1"));
}

std::string uuid() {
  static std::mt19937_64 random{std::random_device{}()};
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto a = random();
  auto b = random();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32U, (a >> 16U) & 0xffffU,
                     a & 0xfffU, ((b >> 48U) & 0x3fffU) | 0x8000U, b & 0xffffffffffffULL);
}

long long epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_now() {
  auto ms = epoch_ms();
  std::time_t seconds = ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

// "12/Mar/2020:19:03:58 +0000", API Gateway's requestContext.time.
std::string clf_now() {
  std::time_t seconds = epoch_ms() / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%d/%b/%Y:%H:%M:%S +0000", &utc);
  return text;
}

// The query string as the v1 maps hold it: decoded, a repeated key in multiValue.
void query_maps(std::string_view raw, Json& single, Json& multi, bool decode) {
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (decode) {
      key = percent_decode(key, true);
      value = percent_decode(value, true);
    }
    if (single.is_null()) {
      single = Json::object();
      multi = Json::object();
    }
    single[key] = value;
    multi[key].push_back(value);
  }
}

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string header_value(const HttpInput& input, std::string_view name) {
  for (const auto& [key, value] : input.headers) {
    if (detail::lower(key) == name) return value;
  }
  return "";
}

Json body_of(const HttpInput& input, bool& base64) {
  std::string type = header_value(input, "content-type");
  base64 =
      !input.body.empty() && (!detail::is_textual_content_type(type) || !valid_utf8(input.body));
  if (input.body.empty()) return nullptr;
  return base64 ? base64_encode(input.body) : input.body;
}

std::string path_only(const HttpInput& input) {
  return percent_decode(input.path.substr(0, input.path.find('?')));
}

Json rest_event(const HttpInput& input, const std::string& request_id) {
  Json headers = Json::object();
  Json multi_headers = Json::object();
  for (const auto& [name, value] : input.headers) {
    headers[name] = value;
    multi_headers[name].push_back(value);
  }
  Json query = nullptr;
  Json multi_query = nullptr;
  query_maps(input.query, query, multi_query, true);
  bool base64 = false;
  Json body = body_of(input, base64);
  std::string path = path_only(input);
  std::string stage = input.stage.empty() ? "local" : input.stage;
  return {{"resource", "/{proxy+}"},
          {"path", path},
          {"httpMethod", input.method},
          {"headers", headers},
          {"multiValueHeaders", multi_headers},
          {"queryStringParameters", query},
          {"multiValueQueryStringParameters", multi_query},
          {"pathParameters", {{"proxy", path.size() > 1 ? path.substr(1) : ""}}},
          {"stageVariables", nullptr},
          {"requestContext",
           {{"accountId", kAccount},
            {"apiId", "local"},
            {"resourcePath", "/{proxy+}"},
            {"httpMethod", input.method},
            {"path", "/" + stage + path},
            {"stage", stage},
            {"requestId", request_id},
            {"requestTime", clf_now()},
            {"requestTimeEpoch", epoch_ms()},
            {"identity",
             {{"sourceIp", input.source_ip}, {"userAgent", header_value(input, "user-agent")}}}}},
          {"body", body},
          {"isBase64Encoded", base64}};
}

// HTTP API payload 2.0 and Function URLs (the same format with another domain and no stage).
Json v2_event(const HttpInput& input, const std::string& request_id, bool function_url) {
  Json headers = Json::object();
  Json cookies = Json::array();
  for (const auto& [name, value] : input.headers) {
    std::string lower = detail::lower(name);
    if (lower == "cookie") {
      cookies.push_back(value);
      continue;
    }
    headers[lower] =
        headers.contains(lower) ? headers[lower].get<std::string>() + "," + value : value;
  }
  std::string id = function_url ? "abcdefghij1234567890" : "local";
  std::string domain = !input.domain.empty() ? input.domain
                       : function_url        ? fmt::format("{}.lambda-url.{}.on.aws", id, region())
                                             : "localhost";
  if (!headers.contains("host")) headers["host"] = domain;
  bool base64 = false;
  Json body = body_of(input, base64);
  std::string path = input.path.substr(0, input.path.find('?'));
  Json event = {{"version", "2.0"},
                {"routeKey", "$default"},
                {"rawPath", path},
                {"rawQueryString", input.query},
                {"headers", headers},
                {"requestContext",
                 {{"accountId", function_url ? "anonymous" : std::string(kAccount)},
                  {"apiId", id},
                  {"domainName", domain},
                  {"domainPrefix", domain.substr(0, domain.find('.'))},
                  {"http",
                   {{"method", input.method},
                    {"path", path},
                    {"protocol", "HTTP/1.1"},
                    {"sourceIp", input.source_ip},
                    {"userAgent", header_value(input, "user-agent")}}},
                  {"requestId", request_id},
                  {"routeKey", "$default"},
                  {"stage", "$default"},
                  {"time", clf_now()},
                  {"timeEpoch", epoch_ms()}}},
                {"isBase64Encoded", base64}};
  if (!cookies.empty()) event["cookies"] = cookies;
  if (!input.query.empty()) {
    Json single = nullptr;
    Json multi = nullptr;
    query_maps(input.query, single, multi, true);
    for (auto& [key, values] : multi.items()) {
      std::string joined;
      for (const auto& value : values)
        joined += (joined.empty() ? "" : ",") + value.get<std::string>();
      single[key] = joined;
    }
    event["queryStringParameters"] = single;
  }
  if (!body.is_null()) event["body"] = body;
  return event;
}

Json alb_event(const HttpInput& input) {
  Json headers = Json::object();
  for (const auto& [name, value] : input.headers) headers[detail::lower(name)] = value;
  Json query = nullptr;
  Json multi = nullptr;
  query_maps(input.query, query, multi, false);  // ALB passes the values still encoded
  bool base64 = false;
  Json body = body_of(input, base64);
  return {{"requestContext",
           {{"elb",
             {{"targetGroupArn",
               fmt::format("arn:aws:elasticloadbalancing:{}:{}:targetgroup/my-service/"
                           "49e9d65c45c6791a",
                           region(), kAccount)}}}}},
          {"httpMethod", input.method},
          {"path", input.path.substr(0, input.path.find('?'))},
          {"queryStringParameters", query.is_null() ? Json::object() : query},
          {"headers", headers},
          {"body", body.is_null() ? Json("") : body},
          {"isBase64Encoded", base64}};
}

// The session as the framework writes it (Session::to_json), for the envelope's key.
Json session_json(const SessionInput& input) {
  Session session;
  if (input.state) session.set_state(*input.state);
  if (input.user) session.set_user(*input.user);
  return session.to_json();
}

// ... and for the `session` message attribute: base64 of that JSON.
std::optional<std::string> session_value(const SessionInput& input) {
  if (input.empty()) return std::nullopt;
  return base64_encode(dump_json(session_json(input)));
}

std::string topic_arn(std::string_view topic) {
  return fmt::format("arn:aws:sns:{}:{}:{}", region(), kAccount, topic);
}

// SNS's notification: the body of an SQS record (raw delivery off) or a Lambda's SNS record.
Json notification(const std::string& message, std::string_view topic, std::string_view subject,
                  const SessionInput& session, bool lambda_spelling) {
  std::string message_id = uuid();
  Json out = {
      {"Type", "Notification"},
      {"MessageId", message_id},
      {"TopicArn", topic_arn(topic)},
      {"Subject", subject.empty() ? Json(nullptr) : Json(std::string(subject))},
      {"Message", message},
      {"Timestamp", iso_now()},
      {"SignatureVersion", "1"},
      {"Signature", "EXAMPLE"},
      {lambda_spelling ? "SigningCertUrl" : "SigningCertURL",
       fmt::format("https://sns.{}.amazonaws.com/SimpleNotificationService-0000.pem", region())},
      {lambda_spelling ? "UnsubscribeUrl" : "UnsubscribeURL",
       fmt::format("https://sns.{}.amazonaws.com/?Action=Unsubscribe&"
                   "SubscriptionArn={}:{}",
                   region(), topic_arn(topic), message_id)}};
  Json attributes = Json::object();
  if (auto value = session_value(session)) {
    attributes["session"] = {{"Type", "String"}, {"Value", *value}};
  }
  out["MessageAttributes"] = attributes;
  return out;
}

}  // namespace

std::optional<HttpFormat> http_format(std::string_view name) {
  if (name == "rest") return HttpFormat::rest_v1;
  if (name == "http") return HttpFormat::http_v2;
  if (name == "function-url") return HttpFormat::function_url;
  if (name == "alb") return HttpFormat::alb;
  return std::nullopt;
}

Json http_event(HttpFormat format, const HttpInput& input) {
  std::string request_id = input.request_id.empty() ? uuid() : input.request_id;
  switch (format) {
    case HttpFormat::rest_v1:
      return rest_event(input, request_id);
    case HttpFormat::http_v2:
      return v2_event(input, request_id, false);
    case HttpFormat::function_url:
      return v2_event(input, request_id, true);
    case HttpFormat::alb:
      return alb_event(input);
  }
  return nullptr;
}

Json sqs_event(const SqsInput& input) {
  std::vector<std::string> bodies = input.bodies;
  if (bodies.empty()) {
    for (int i = 1; i <= std::max(input.count, 1); ++i) {
      bodies.push_back(dump_json({{"id", i}, {"message", fmt::format("sample {}", i)}}));
    }
  }
  std::string queue = input.queue;
  if (input.fifo && !(queue.size() >= 5 && queue.compare(queue.size() - 5, 5, ".fifo") == 0))
    queue += ".fifo";
  auto session = session_value(input.session);
  Json records = Json::array();
  long long sent = epoch_ms();
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    std::string body =
        input.via_sns ? dump_json(notification(bodies[i], input.topic, "", input.session, false))
                      : bodies[i];
    Json attributes = {{"ApproximateReceiveCount", "1"},
                       {"SentTimestamp", std::to_string(sent)},
                       {"SenderId", "AIDAIENQZJOLO23YVJ4VO"},
                       {"ApproximateFirstReceiveTimestamp", std::to_string(sent + 2)}};
    if (input.fifo) {
      attributes["SequenceNumber"] = fmt::format("1862{:016}", i + 1);
      attributes["MessageGroupId"] = input.group_id;
      attributes["MessageDeduplicationId"] = uuid();
    }
    Json message_attributes = Json::object();
    if (session && !input.via_sns) {
      message_attributes["session"] = {{"stringValue", *session},
                                       {"stringListValues", Json::array()},
                                       {"binaryListValues", Json::array()},
                                       {"dataType", "String"}};
    }
    records.push_back(
        {{"messageId", uuid()},
         {"receiptHandle", "AQEB" + base64_encode(uuid())},
         {"body", body},
         {"attributes", attributes},
         {"messageAttributes", message_attributes},
         {"md5OfBody", md5_hex(body)},
         {"eventSource", "aws:sqs"},
         {"eventSourceARN", fmt::format("arn:aws:sqs:{}:{}:{}", region(), kAccount, queue)},
         {"awsRegion", region()}});
  }
  return {{"Records", records}};
}

Json sns_event(const SnsInput& input) {
  return {{"Records", Json::array({{{"EventSource", "aws:sns"},
                                    {"EventVersion", "1.0"},
                                    {"EventSubscriptionArn", topic_arn(input.topic) + ":" + uuid()},
                                    {"Sns", notification(input.message, input.topic, input.subject,
                                                         input.session, true)}}})}};
}

Json lambda_event(const Json& data, const SessionInput& session) {
  Json event = {{"data", data}};
  if (!session.empty()) event["session"] = session_json(session);
  return event;
}

Json schedule_event(std::string_view rule) {
  return {{"version", "0"},
          {"id", uuid()},
          {"detail-type", "Scheduled Event"},
          {"source", "aws.events"},
          {"account", kAccount},
          {"time", iso_now().substr(0, 19) + "Z"},
          {"region", region()},
          {"resources",
           Json::array({fmt::format("arn:aws:events:{}:{}:rule/{}", region(), kAccount, rule)})},
          {"detail", Json::object()}};
}

}  // namespace aws_helper::sample_events
