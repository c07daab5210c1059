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

TEST(JsonTest, ParsesValidText) {
  EXPECT_EQ(parse_json(R"([1,"x"])")[1], "x");
}

}  // namespace
}  // namespace aws_helper
