#include <gtest/gtest.h>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {
namespace {

TEST(JsonTest, KeepsInsertionOrder) {
  Json doc = Json::object();
  doc["z"] = 1;
  doc["a"] = 2;
  doc["m"] = 3;
  EXPECT_EQ(dump_json(doc), R"({"z":1,"a":2,"m":3})");
}

TEST(JsonTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  Json doc = {{"name", std::string("ab\xff"
                                   "cd")}};
  EXPECT_EQ(dump_json(doc),
            "{\"name\":\"ab\xEF\xBF\xBD"
            "cd\"}");
}

TEST(JsonTest, ParseErrorIsValueErrorNamingTheInput) {
  try {
    (void)parse_json("{\"a\":", "The event");
    FAIL() << "expected ValueError";
  } catch (const ValueError& error) {
    std::string message = error.what();
    EXPECT_EQ(message.rfind("The event is not valid JSON: parse error at line 1", 0), 0u)
        << message;
    EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
  }
}

std::string message_of(std::string_view text, std::string_view what = "The body") {
  try {
    (void)parse_json(text, what);
  } catch (const ValueError& error) {
    return error.what();
  }
  ADD_FAILURE() << "parsed: " << text.substr(0, 80);
  return "";
}

TEST(JsonTest, ParseErrorsNeverQuoteTheInput) {
  // An unterminated string holding a secret, a megabyte of garbage: the message says where and
  // what, never the bytes.
  std::string secret = message_of(R"({"user":"ana","password":"hunter2)");
  EXPECT_EQ(secret.find("hunter2"), std::string::npos) << secret;
  EXPECT_NE(secret.find("line 1, column"), std::string::npos) << secret;
  std::string big = "[" + std::string(1 << 20, 'x') + "]";
  std::string long_message = message_of(big);
  EXPECT_LT(long_message.size(), 300u);
  EXPECT_EQ(long_message.find("xxxx"), std::string::npos);
}

TEST(JsonTest, NumbersOutOfRangeAreAValueErrorNotAnInternalOne) {
  std::string message = message_of(R"({"amount": 1e400})");
  EXPECT_EQ(message, "The body is not valid JSON: a number is out of range");
  EXPECT_EQ(message_of("-1e999999999999"), "The body is not valid JSON: a number is out of range");
}

TEST(JsonTest, NestingDeeperThanTheLimitIsRefusedBeforeParsing) {
  std::string ok = std::string(100, '[') + std::string(100, ']');
  EXPECT_NO_THROW((void)parse_json(ok));
  // 120 KB of brackets crashed the process before (a recursive copy of the parsed tree).
  std::string deep = std::string(120000, '[') + std::string(120000, ']');
  EXPECT_EQ(message_of(deep), "The body is nested deeper than 100 levels (at byte 101)");
  std::string objects;
  for (int i = 0; i < 101; ++i) objects += R"({"a":)";
  EXPECT_EQ(message_of(objects, "The event"),
            "The event is nested deeper than 100 levels (at byte 501)");
  // Brackets inside strings (and escaped quotes) are text, not nesting.
  std::string text = "[\"" + std::string(500, '[') + "\\\"" + std::string(500, '{') + "\"]";
  EXPECT_EQ(parse_json(text)[0].get<std::string>().size(), 1001u);
}

TEST(JsonTest, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(
      valid_utf8("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));  // é € 😀 U+10FFFF
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc3"));              // cut short
  EXPECT_FALSE(valid_utf8("\xc3\x28"));          // not a continuation byte
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong, three bytes
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xf0\x9f\x98"));      // four bytes cut short
}

TEST(JsonTest, ParsesValidText) {
  EXPECT_EQ(parse_json(R"([1,"x"])")[1], "x");
}

}  // namespace
}  // namespace aws_helper
