#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>

#include "core/ca_bundle.hpp"

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

TEST(CaBundleTest, SslCertFileWinsThenTheFirstReadableCandidate) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("aws-helper-ca-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string missing = (dir / "missing.crt").string();
  const std::string present = (dir / "ca-bundle.crt").string();
  std::ofstream(present) << "-----BEGIN CERTIFICATE-----\n";
  EXPECT_EQ(tls::find_ca_bundle("", {missing, present}), present);
  EXPECT_EQ(tls::find_ca_bundle("/from/SSL_CERT_FILE.pem", {missing, present}),
            "/from/SSL_CERT_FILE.pem");
  EXPECT_EQ(tls::find_ca_bundle("", {missing}), "");
  fs::remove_all(dir);
  // Amazon Linux 2023's bundle is among the places looked at, after Debian's.
  const auto& candidates = tls::ca_bundle_candidates();
  EXPECT_EQ(candidates.front(), "/etc/ssl/certs/ca-certificates.crt");
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), "/etc/pki/tls/certs/ca-bundle.crt"),
            candidates.end());
}

}  // namespace
}  // namespace aws_helper
