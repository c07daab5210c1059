// Limits::from_env (src/core/limits.cpp).
#include <cstdlib>

#include <gtest/gtest.h>

#include <aws_helper/error.hpp>
#include <aws_helper/limits.hpp>

namespace aws_helper {
namespace {

TEST(LimitsTest, SettingsAreReadAndAMalformedOneNamesItsVariable) {
  setenv("AWS_HELPER_MAX_JSON_DEPTH", "32", 1);
  setenv("AWS_HELPER_MAX_HEADERS", "7", 1);
  Limits read = Limits::from_env();
  EXPECT_EQ(read.max_json_depth, 32u);
  EXPECT_EQ(read.max_headers, 7u);
  EXPECT_EQ(read.max_query_parameters, 1000u);
  for (const char* bad : {"0", "-1", "ten", "12abc", "99999999999999999999999"}) {
    setenv("AWS_HELPER_MAX_BODY_BYTES", bad, 1);
    try {
      (void)Limits::from_env();
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigurationError& error) {
      EXPECT_STREQ(error.what(), "AWS_HELPER_MAX_BODY_BYTES must be a positive whole number");
    }
  }
  for (const char* name :
       {"AWS_HELPER_MAX_JSON_DEPTH", "AWS_HELPER_MAX_HEADERS", "AWS_HELPER_MAX_BODY_BYTES"})
    unsetenv(name);
}
}  // namespace
}  // namespace aws_helper
