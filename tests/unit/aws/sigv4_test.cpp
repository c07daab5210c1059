// SigV4 against the AWS signing test suite: every case folder in $SIGV4_SUITE_DIR (default:
// tests/fixtures/sigv4/v4, from aws-c-auth) is one test, header and query signing both checked
// for the canonical request, the string to sign, the signature and the signed request. Add a
// folder to add a case.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <aws_helper/sigv4.hpp>

namespace aws_helper {
namespace {

namespace fs = std::filesystem;

fs::path suite_dir() {
  if (const char* dir = std::getenv("SIGV4_SUITE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return fs::path(AWS_HELPER_SOURCE_DIR) / "tests/fixtures/sigv4/v4";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(suite_dir(), error)) {
    if (entry.is_directory() && fs::exists(entry.path() / "request.txt"))
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Parsed {
  sigv4::Request request;
  std::string body;
};

// "METHOD path?query HTTP/1.1\nName:value\n...\n\nbody" (the path may hold spaces).
Parsed parse_request(const std::string& text) {
  Parsed out;
  std::size_t line_end = text.find('\n');
  std::string first = text.substr(0, line_end);
  auto space = first.find(' ');
  auto version = first.rfind(" HTTP/");
  out.request.method = first.substr(0, space);
  std::string target = first.substr(space + 1, version - space - 1);
  auto mark = target.find('?');
  out.request.path = target.substr(0, mark);
  out.request.query = mark == std::string::npos ? "" : target.substr(mark + 1);
  std::size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  std::vector<std::pair<std::string, std::string>> lines;  // folded lines joined, then added
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) {
      out.body = text.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
      lines.back().second += line;  // a folded header line
      continue;
    }
    auto colon = line.find(':');
    lines.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (auto& [name, value] : lines) out.request.headers.add(std::move(name), std::move(value));
  return out;
}

std::chrono::system_clock::time_point parse_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, MatchesTheSuite) {
  fs::path dir = suite_dir() / GetParam();
  auto context = nlohmann::json::parse(read(dir / "context.json"));
  Parsed parsed = parse_request(read(dir / "request.txt"));
  sigv4::Credentials credentials{context["credentials"]["access_key_id"],
                                 context["credentials"]["secret_access_key"],
                                 context["credentials"].value("token", "")};
  sigv4::Options options;
  options.region = context["region"];
  options.service = context["service"];
  options.time = parse_time(context["timestamp"]);
  options.normalize_path = context.value("normalize", true);
  options.sign_body = context.value("sign_body", false);
  options.omit_session_token = context.value("omit_session_token", false);
  options.expires = std::chrono::seconds(context.value("expiration_in_seconds", 3600));
  std::string payload = sigv4::sha256_hex(parsed.body);

  auto headers = sigv4::sign_headers(parsed.request, payload, credentials, options);
  EXPECT_EQ(headers.canonical_request, read(dir / "header-canonical-request.txt"));
  EXPECT_EQ(headers.string_to_sign, read(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(headers.signature, read(dir / "header-signature.txt"));
  std::string signed_request = read(dir / "header-signed-request.txt");
  auto authorization = std::find_if(headers.headers.begin(), headers.headers.end(),
                                    [](const auto& h) { return h.first == "Authorization"; });
  ASSERT_NE(authorization, headers.headers.end());
  EXPECT_NE(signed_request.find("Authorization:" + authorization->second), std::string::npos)
      << signed_request;

  if (fs::exists(dir / "query-canonical-request.txt")) {
    auto query = sigv4::sign_query(parsed.request, payload, credentials, options);
    EXPECT_EQ(query.canonical_request, read(dir / "query-canonical-request.txt"));
    EXPECT_EQ(query.string_to_sign, read(dir / "query-string-to-sign.txt"));
    EXPECT_EQ(query.signature, read(dir / "query-signature.txt"));
    std::string presigned = read(dir / "query-signed-request.txt");
    EXPECT_NE(presigned.find("X-Amz-Signature=" + query.signature), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Suite, SigV4SuiteTest, ::testing::ValuesIn(case_names()),
                         [](const auto& test_info) {
                           std::string name = test_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// A suite folder that is missing or empty must fail, not pass with nothing run.
TEST(SigV4SuiteFolderTest, HasCases) {
  EXPECT_GE(case_names().size(), 31u) << "no cases in " << suite_dir();
}

TEST(SigV4Test, UriEncode) {
  EXPECT_EQ(sigv4::uri_encode("a b/c~d+e=f&g:h", true), "a%20b%2Fc~d%2Be%3Df%26g%3Ah");
  EXPECT_EQ(sigv4::uri_encode("/fn/arn:aws:lambda", false), "/fn/arn%3Aaws%3Alambda");
  EXPECT_EQ(sigv4::uri_encode("\xE1\x88\xB4"), "%E1%88%B4");
}

}  // namespace
}  // namespace aws_helper
