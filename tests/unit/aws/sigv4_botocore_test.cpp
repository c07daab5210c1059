// SigV4 against botocore's signer (Debian's python3-botocore) on a few hundred generated
// requests: Lambda ARNs and qualified names in paths, spaces, ':' and UTF-8, repeated and empty
// query keys, bodies, session tokens.
#include <array>
#include <cstdio>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <aws_helper/sigv4.hpp>

namespace aws_helper {
namespace {

using nlohmann::json;

struct Generated {
  sigv4::Request request;
  std::string body;
  sigv4::Credentials credentials;
  sigv4::Options options;
};

std::vector<Generated> generate(std::size_t count) {
  std::mt19937 random(20261126);
  auto pick = [&](const auto& options) { return options[random() % options.size()]; };
  const std::array<std::string, 4> methods = {"GET", "POST", "PUT", "DELETE"};
  const std::array<std::string, 10> segments = {
      "functions",
      "arn:aws:lambda:us-east-1:123456789012:function:generate-route",
      "generate-route:prod",
      "my function",
      "caf\xC3\xA9",
      "\xE1\x88\xB4",
      "a+b=c",
      "2015-03-31",
      "-._~",
      "x%y"};
  const std::array<std::string, 8> keys = {"Action",      "a",   "tag",     "empty",
                                           "caf\xC3\xA9", "x y", "Version", "Z"};
  const std::array<std::string, 8> values = {
      "Publish",      "",      "b c",        "1",
      "\xE1\x88\xB4", "a=b&c", "2010-03-31", "arn:aws:sns:us-east-1:1:t"};
  const std::array<std::string, 4> services = {"lambda", "sns", "sqs", "ecs"};
  const std::array<std::string, 3> regions = {"us-east-1", "eu-west-1", "sa-east-1"};
  std::vector<Generated> out;
  for (std::size_t i = 0; i < count; ++i) {
    Generated g;
    g.request.method = pick(methods);
    std::size_t depth = 1 + random() % 4;
    g.request.path.clear();
    for (std::size_t d = 0; d < depth; ++d)
      g.request.path += "/" + sigv4::uri_encode(pick(segments));
    if (random() % 5 == 0) g.request.path += "/";
    std::size_t params = random() % 5;
    for (std::size_t p = 0; p < params; ++p) {
      if (!g.request.query.empty()) g.request.query += '&';
      g.request.query += sigv4::uri_encode(pick(keys));
      if (random() % 6 != 0) g.request.query += "=" + sigv4::uri_encode(pick(values));
    }
    g.request.headers = {{"Host", "service.us-east-1.amazonaws.com"}};
    if (random() % 2 == 0) g.request.headers.add("Content-Type", "application/json");
    if (random() % 3 == 0) g.request.headers.add("X-Custom", "  spaced   value ");
    if (g.request.method != "GET" && random() % 2 == 0)
      g.body = R"({"payload": ")" + pick(values) + "\"}";
    g.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     random() % 2 == 0 ? "FwoGZXIvYXdzEJr//////////token==" : ""};
    g.options.region = pick(regions);
    g.options.service = pick(services);
    g.options.time = std::chrono::system_clock::from_time_t(1440938160 + 86400 * (random() % 400));
    out.push_back(std::move(g));
  }
  return out;
}

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  ::pclose(pipe);
  return output;
}

TEST(SigV4BotocoreTest, SameSignaturesAsBotocore) {
  auto requests = generate(400);
  json input = json::array();
  std::vector<sigv4::Signed> ours;
  for (const auto& g : requests) {
    auto signed_request =
        sigv4::sign_headers(g.request, sigv4::sha256_hex(g.body), g.credentials, g.options);
    std::string date;
    for (const auto& [name, value] : signed_request.headers)
      if (name == "X-Amz-Date") date = value;
    json headers = json::array();
    for (const auto& [name, value] : g.request.headers)
      if (name != "Host") headers.push_back({name, value});
    std::string url = "https://service.us-east-1.amazonaws.com" + g.request.path +
                      (g.request.query.empty() ? "" : "?" + g.request.query);
    input.push_back({{"method", g.request.method},
                     {"url", url},
                     {"headers", headers},
                     {"body", g.body},
                     {"access_key", g.credentials.access_key_id},
                     {"secret_key", g.credentials.secret_access_key},
                     {"token", g.credentials.session_token},
                     {"region", g.options.region},
                     {"service", g.options.service},
                     {"timestamp", date}});
    ours.push_back(std::move(signed_request));
  }
  std::string path = ::testing::TempDir() + "sigv4-botocore.json";
  std::ofstream(path) << input.dump();
  // -I: Debian's botocore, not one from a user's site-packages.
  std::string output = run("/usr/bin/python3 -I " + std::string(AWS_HELPER_SOURCE_DIR) +
                           "/tests/support/botocore_sign.py < " + path);
  ASSERT_FALSE(output.empty()) << "botocore_sign.py failed (is python3-botocore installed?)";
  json theirs = json::parse(output);
  ASSERT_EQ(theirs.size(), ours.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    std::string authorization;
    for (const auto& [name, value] : ours[i].headers)
      if (name == "Authorization") authorization = value;
    if (authorization != theirs[i]["authorization"] && ++mismatches <= 3) {
      ADD_FAILURE() << "request " << i << ": " << input[i].dump() << "\nours:\n"
                    << ours[i].canonical_request << "\nbotocore:\n"
                    << theirs[i]["canonical_request"].get<std::string>();
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << ours.size();
}

}  // namespace
}  // namespace aws_helper
