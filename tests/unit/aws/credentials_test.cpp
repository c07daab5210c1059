// The readers of the credentials chain, without an environment, a file or a network: the
// container endpoint's reply and its Expiration, the shared credentials file, the FULL_URI
// check. (aws_client_test runs the whole chain against local servers and files.)
#include <chrono>
#include <sstream>

#include <gtest/gtest.h>

#include <aws_helper/aws.hpp>

#include "aws/credentials_detail.hpp"

namespace aws_helper::aws {
namespace {

using Clock = std::chrono::system_clock;

TEST(CredentialsReaderTest, ReadsTheContainerExpiration) {
  auto when = detail::parse_iso8601("2026-11-27T10:00:00Z");
  ASSERT_TRUE(when.has_value());
  EXPECT_EQ(Clock::to_time_t(*when), 1795773600);
  EXPECT_EQ(detail::parse_iso8601("tomorrow"), std::nullopt);
}

// Found by tests/fuzz/credentials (corpus: crash-expiration-beyond-2262): system_clock holds
// nanoseconds in 64 bits, so from_time_t overflowed (undefined behaviour) for a year past 2262.
TEST(CredentialsReaderTest, AnExpirationOutsideTheClockIsUnreadableNotAnOverflow) {
  EXPECT_EQ(detail::parse_iso8601("2262-04-12T00:00:00Z"), std::nullopt);
  EXPECT_EQ(detail::parse_iso8601("9999-12-31T23:59:59Z"), std::nullopt);
  EXPECT_TRUE(detail::parse_iso8601("2262-04-10T00:00:00Z").has_value());
  // Unreadable means short-lived: fetched again within minutes, never cached for ever.
  auto found = detail::container_credentials(
      R"({"AccessKeyId":"ASIA","SecretAccessKey":"s","Expiration":"2300-01-01T00:00:00Z"})");
  ASSERT_TRUE(found.expiration.has_value());
  EXPECT_GT(*found.expiration, Clock::now());
  EXPECT_LT(*found.expiration, Clock::now() + std::chrono::minutes(11));
}

}  // namespace
}  // namespace aws_helper::aws
