#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("AWS_LAMBDA_LOG_LEVEL");
    unsetenv("AWS_LAMBDA_LOG_FORMAT");
    log::reload_config();
    log::set_sink(
        [](std::string_view line, void* user) {
          static_cast<std::vector<std::string>*>(user)->emplace_back(line);
        },
        &lines_);
  }
  void TearDown() override {
    log::set_sink(nullptr, nullptr);
    log::clear_request_context();
    unsetenv("AWS_LAMBDA_LOG_LEVEL");
    unsetenv("AWS_LAMBDA_LOG_FORMAT");
    log::reload_config();
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithContext) {
  SessionScope scope{Session{"vermont", std::nullopt}};
  log::set_request_context("req-42", "Root=1-5759e988-bd862e3fe1be46a994272793");
  Logger{"OrdersLambda"}.info("saved {} orders", 3);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  Json line = Json::parse(lines_[0]);
  EXPECT_EQ(line["level"], "INFO");
  EXPECT_EQ(line["logger"], "OrdersLambda");
  EXPECT_EQ(line["message"], "saved 3 orders");
  EXPECT_EQ(line["requestId"], "req-42");
  EXPECT_EQ(line["state"], "vermont");
  EXPECT_EQ(line["traceId"], "Root=1-5759e988-bd862e3fe1be46a994272793");
  std::string ts = line["timestamp"];
  EXPECT_EQ(ts.size(), 24u) << ts;  // 2026-11-26T14:00:00.123Z
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(LogTest, OmitsContextFieldsThatAreUnknown) {
  Logger{"x"}.info("plain");
  Json line = Json::parse(lines_.at(0));
  EXPECT_FALSE(line.contains("requestId"));
  EXPECT_FALSE(line.contains("state"));
  EXPECT_FALSE(line.contains("traceId"));
}

TEST_F(LogTest, ExtraFieldsAreAddedButCannotOverrideCoreFields) {
  Logger{"x"}.with(LogLevel::warn, "slow", {{"ms", 812}, {"level", "forged"}});
  Json line = Json::parse(lines_.at(0));
  EXPECT_EQ(line["ms"], 812);
  EXPECT_EQ(line["level"], "WARN");
}

TEST_F(LogTest, HonoursLogLevel) {
  setenv("AWS_LAMBDA_LOG_LEVEL", "warn", 1);
  log::reload_config();
  Logger logger{"x"};
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(Json::parse(lines_[0])["level"], "WARN");
  EXPECT_EQ(Json::parse(lines_[1])["level"], "ERROR");
  setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG", 1);
  log::reload_config();
  logger.debug("d");
  EXPECT_EQ(lines_.size(), 3u);
}

TEST_F(LogTest, TextFormatWhenAsked) {
  setenv("AWS_LAMBDA_LOG_FORMAT", "Text", 1);
  log::reload_config();
  log::set_request_context("req-7", "");
  Logger{"svc"}.error("broken {}", "pipe");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find(" ERROR req-7 svc broken pipe"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].front(), '{');
}

TEST_F(LogTest, SecretsNeverReachALine) {
  Logger{"x"}.info("connecting to mongodb://app:s3cr%40t@db.example.com:27017/core");
  Logger{"x"}.info("header Authorization: Bearer abc.def.ghi, next");
  EXPECT_EQ(lines_[0].find("s3cr"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("mongodb://app:****@db.example.com"), std::string::npos) << lines_[0];
  EXPECT_EQ(lines_[1].find("abc.def"), std::string::npos) << lines_[1];
  EXPECT_NE(lines_[1].find("Bearer ****"), std::string::npos) << lines_[1];
}

TEST(RedactTest, LeavesTextWithoutSecretsAlone) {
  EXPECT_EQ(log::redact("https://example.com/a:b@c"), "https://example.com/a:b@c");
  EXPECT_EQ(log::redact("mongodb://user@host"), "mongodb://user@host");
  EXPECT_EQ(log::redact("no secrets here"), "no secrets here");
  EXPECT_EQ(log::redact("a://u:p@h and b://v:q@i"), "a://u:****@h and b://v:****@i");
}

}  // namespace
}  // namespace aws_helper
