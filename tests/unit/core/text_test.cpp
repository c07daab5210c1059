// The shared text helpers (src/core/text.hpp), which replaced about fifteen copies across the
// layers. Where copies had drifted, the test pins the reconciled behaviour and says which.
#include "core/text.hpp"

#include <gtest/gtest.h>

#include <aws_helper/mongo_config.hpp>
#include <aws_helper/sigv4.hpp>

namespace aws_helper::detail {
namespace {

TEST(TextTest, CaseIsAsciiOnly) {
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(iequals("content-type", "content-typ"));
  EXPECT_EQ(lower("GeT \xC3\x89"), "get \xC3\x89");  // UTF-8 bytes untouched
  EXPECT_EQ(upper("patch"), "PATCH");
}

// The copies trimmed " \t", " \t\r\n" or isspace(); one set now: the six ASCII white spaces.
TEST(TextTest, TrimRemovesAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(trim(" \t\r\n\v\f value \t\r\n\v\f"), "value");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
}

TEST(TextTest, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(split_list(" https://a.example , https://b.example,,\t"),
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(split_list(""), std::vector<std::string>{});
  EXPECT_EQ(split_list(",,"), std::vector<std::string>{});
  EXPECT_EQ(split_list("subnet-1"), std::vector<std::string>{"subnet-1"});
  EXPECT_EQ(split_list("a;b", ';'), (std::vector<std::string>{"a", "b"}));
}

TEST(TextTest, JoinKeepsEmptyItems) {
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(join({"", "b"}, ","), ",b");  // the copy in service.cpp dropped the first comma
  EXPECT_EQ(join({}, ","), "");
}

// SigV4's uri_encode and the MongoDB URI's percent_encode were two copies; both are RFC 3986.
TEST(TextTest, UriEncodingIsRfc3986ForSigV4AndMongoUris) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(sigv4::uri_encode(all), mongo::percent_encode(all));
  EXPECT_EQ(uri_encode("a-z_A.Z~0/9 :@%"), "a-z_A.Z~0%2F9%20%3A%40%25");
  EXPECT_EQ(uri_encode("/a b/", false), "/a%20b/");
  EXPECT_EQ(uri_encode("\xC3\xA9"), "%C3%A9");
}

TEST(TextTest, HeaderLinesBreakOnCrLfAndNul) {
  EXPECT_TRUE(breaks_header_line("a\rb"));
  EXPECT_TRUE(breaks_header_line("a\nb"));
  EXPECT_TRUE(breaks_header_line(std::string_view("a\0b", 3)));
  EXPECT_FALSE(breaks_header_line("a\tb c"));
}

// dispatcher.cpp (replies) called a missing type binary, local_server.cpp (requests) called it
// text; both now say binary, and the type's case no longer matters.
TEST(TextTest, TextualContentTypes) {
  for (const char* type : {"text/plain", "application/json; charset=utf-8", "Application/JSON",
                           "application/problem+json", "text/csv", "application/xml",
                           "application/x-www-form-urlencoded", "application/javascript"}) {
    EXPECT_TRUE(is_textual_content_type(type)) << type;
  }
  for (const char* type : {"", "image/png", "application/octet-stream", "application/pdf"}) {
    EXPECT_FALSE(is_textual_content_type(type)) << type;
  }
}

// Both copies (dispatcher.cpp, auth.cpp) called "" truthy: Json::empty() is false for strings.
// So a body of "" was not replaced by {}, and a user with is_active: "" was let in.
TEST(TextTest, FalsyIsPythonTruthiness) {
  for (const Json& value :
       {Json(nullptr), Json(false), Json(0), Json(0.0), Json(""), Json::array(), Json::object()}) {
    EXPECT_TRUE(falsy(value)) << value.dump();
  }
  for (const Json& value :
       {Json(true), Json(1), Json(-0.5), Json("0"), Json::array({0}), Json{{"a", nullptr}}}) {
    EXPECT_FALSE(falsy(value)) << value.dump();
  }
}

// One copy for the audit stamp's upsert conflicts and ModelQuery's hidden fields.
TEST(TextTest, PathsOverlapWhenEqualOrNested) {
  EXPECT_TRUE(paths_overlap("a", "a"));
  EXPECT_TRUE(paths_overlap("a", "a.b"));
  EXPECT_TRUE(paths_overlap("a.b.c", "a.b"));
  EXPECT_FALSE(paths_overlap("a", "ab"));
  EXPECT_FALSE(paths_overlap("ab.c", "a"));
  EXPECT_FALSE(paths_overlap("a.b", "a.c"));
  EXPECT_FALSE(paths_overlap("", "a"));
}

// One copy for process_run's times and public_audit's dates: Python's isoformat().
TEST(TextTest, PythonIsoformatOfUtc) {
  using std::chrono::system_clock;
  EXPECT_EQ(python_isoformat(system_clock::time_point(std::chrono::seconds(1764763200))),
            "2025-12-03T12:00:00+00:00");
  EXPECT_EQ(python_isoformat(system_clock::time_point(std::chrono::milliseconds(1764763200123))),
            "2025-12-03T12:00:00.123000+00:00");
  EXPECT_EQ(python_isoformat(system_clock::time_point(std::chrono::microseconds(1764763200000007))),
            "2025-12-03T12:00:00.000007+00:00");
  EXPECT_EQ(python_isoformat(system_clock::time_point(std::chrono::milliseconds(-1))),
            "1969-12-31T23:59:59.999000+00:00");
}

struct Named {};
TEST(TextTest, TypeNamesAreDemangled) {
  EXPECT_EQ(type_name(typeid(Named)), "aws_helper::detail::(anonymous namespace)::Named");
  EXPECT_EQ(type_name(typeid(int)), "int");
}

}  // namespace
}  // namespace aws_helper::detail
