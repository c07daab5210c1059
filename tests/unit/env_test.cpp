#include <cstdlib>

#include <gtest/gtest.h>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>

namespace aws_helper {
namespace {

TEST(EnvTest, DistinguishesUnsetFromEmpty) {
  unsetenv("AWS_HELPER_TEST_VAR");
  EXPECT_FALSE(get_env("AWS_HELPER_TEST_VAR").has_value());
  EXPECT_EQ(get_env_or("AWS_HELPER_TEST_VAR", "fallback"), "fallback");
  setenv("AWS_HELPER_TEST_VAR", "", 1);
  EXPECT_EQ(get_env("AWS_HELPER_TEST_VAR"), std::optional<std::string>(""));
  EXPECT_EQ(get_env_or("AWS_HELPER_TEST_VAR", "fallback"), "");
}

TEST(EnvTest, RequireEnvNamesTheMissingVariable) {
  unsetenv("AWS_HELPER_TEST_VAR");
  try {
    (void)require_env("AWS_HELPER_TEST_VAR");
    FAIL();
  } catch (const ConfigurationError& error) {
    EXPECT_STREQ(error.what(), "Required environment variable 'AWS_HELPER_TEST_VAR' not found");
  }
  setenv("AWS_HELPER_TEST_VAR", "v", 1);
  EXPECT_EQ(require_env("AWS_HELPER_TEST_VAR"), "v");
}

}  // namespace
}  // namespace aws_helper
