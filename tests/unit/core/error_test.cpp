#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <aws_helper/error.hpp>

namespace aws_helper {
namespace {

TEST(ErrorTest, FrameworkErrorsCarryStableTypeAndStatus) {
  EXPECT_EQ(error_type_of(ValueError("x")), "ValueError");
  EXPECT_EQ(ValueError("x").http_status(), 400);
  EXPECT_EQ(error_type_of(InvalidStateError("x")), "InvalidStateError");
  EXPECT_EQ(InvalidStateError("x").http_status(), 403);
  EXPECT_EQ(UnauthorizedError("x").http_status(), 401);
  EXPECT_EQ(ForbiddenError("x").http_status(), 403);
  EXPECT_EQ(NotFoundError("x").http_status(), 404);
  EXPECT_EQ(ConfigurationError("x").http_status(), 500);
  EXPECT_EQ(error_type_of(ConfigurationError("x")), "ConfigurationError");
}

TEST(ErrorTest, UserDefinedErrorKeepsItsOwnType) {
  class QuotaError : public Error {
   public:
    QuotaError() : Error("QuotaExceeded", "too many", 429) {}
  };
  QuotaError error;
  EXPECT_EQ(error_type_of(error), "QuotaExceeded");
  EXPECT_EQ(error.http_status(), 429);
  EXPECT_STREQ(error.what(), "too many");
}

TEST(ErrorTest, StandardExceptionsMapToFixedNames) {
  EXPECT_EQ(error_type_of(std::invalid_argument("x")), "InvalidArgument");
  EXPECT_EQ(error_type_of(std::out_of_range("x")), "OutOfRange");
  EXPECT_EQ(error_type_of(std::logic_error("x")), "LogicError");
  EXPECT_EQ(error_type_of(std::runtime_error("x")), "RuntimeError");
  EXPECT_EQ(error_type_of(std::overflow_error("x")), "OverflowError");
  EXPECT_EQ(error_type_of(std::bad_alloc()), "MemoryError");
  EXPECT_EQ(error_type_of(std::exception()), "Exception");
}

TEST(ErrorTest, JsonLibraryErrorsAreJSONError) {
  try {
    auto parsed = nlohmann::json::parse("{");
    ADD_FAILURE() << parsed.dump();
    FAIL() << "parse should throw";
  } catch (const std::exception& error) {
    EXPECT_EQ(error_type_of(error), "JSONError");
  }
}

TEST(ErrorTest, AnExcerptIsBoundedAndDoesNotSplitACharacter) {
  EXPECT_EQ(excerpt("short"), "short");
  EXPECT_EQ(excerpt(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(excerpt(std::string(65, 'a')), std::string(64, 'a') + "...");
  EXPECT_EQ(excerpt(std::string(1 << 20, 'a')).size(), 67U);
  // "é" is two bytes: cutting at 4 would split the third one, so the excerpt keeps two.
  EXPECT_EQ(excerpt("\xc3\xa9\xc3\xa9\xc3\xa9", 3), "\xc3\xa9...");
  EXPECT_EQ(excerpt("\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9\xc3\xa9...");
}

TEST(ErrorTest, ANulByteInTheMessageDoesNotCutIt) {
  // "/users/%00" reaching a message: what() is a C string, so the NUL is spelled out.
  ValueError error("Invalid ObjectId '" + std::string("a\0b", 3) + "'");
  EXPECT_STREQ(error.what(), "Invalid ObjectId 'a\\u0000b'");
  EXPECT_EQ(error.error_type(), "ValueError");
}

}  // namespace
}  // namespace aws_helper
