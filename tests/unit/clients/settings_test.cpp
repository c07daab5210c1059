// Service settings against a local stand-in for core (GET /service-settings): the declared
// defaults, core's values over them, one fetch per container, the retry floor when core is
// away, and what is sent.
#include <gtest/gtest.h>

#include <aws_helper/settings.hpp>

#include "clients/settings_detail.hpp"
#include "support/core_stub.hpp"
#include "support/scoped_env.hpp"

namespace aws_helper {
namespace {

using testing::CoreStub;
using testing::ScopedEnv;

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings::reset();
    settings::declare({{.code = "scraper_timeout",
                        .type = "number",
                        .default_value = 120,
                        .label = "Scraper timeout"},
                       {.code = "greeting", .default_value = "hello"},
                       {.code = "unset"}});
  }
  void TearDown() override {
    settings::reset();
    settings::declare({});
  }
  CoreStub core;
  ScopedEnv env_{{"CORE_API_URL", core.url()},
                 {"SERVICE_CODE", " Billing "},
                 {"NAMESPACE", std::nullopt},
                 {"INTER_SERVICE_TOKEN", "inter-token"}};
};

TEST_F(SettingsTest, CoresValuesOverTheDeclaredDefaultsFetchedOncePerContainer) {
  core.reply(settings::kPath, R"({"settings": {"scraper_timeout": 30, "extra": true}})");
  EXPECT_EQ(settings::get("scraper_timeout"), 30);
  EXPECT_EQ(settings::get("greeting"), "hello");  // core did not set it: the default
  EXPECT_EQ(settings::get("extra"), true);        // core knows more than was declared
  EXPECT_EQ(settings::get("unknown", 7), 7);
  EXPECT_EQ(settings::get("unset", 7), nullptr);  // declared without a default, as Python
  EXPECT_EQ(settings::all(),
            Json::parse(R"({"scraper_timeout": 30, "greeting": "hello", "unset": null,
                            "extra": true})"));
  EXPECT_EQ(core.calls(settings::kPath), 1);
  auto seen = core.seen();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].query_service, "billing");  // trimmed, lower case
  EXPECT_EQ(seen[0].authorization, "Bearer inter-token");
}

TEST_F(SettingsTest, CoreDownGivesTheDefaultsAndIsAskedAgainAfterAMinute) {
  core.reply(settings::kPath, "{}", 503);
  EXPECT_EQ(settings::get("scraper_timeout"), 120);
  EXPECT_EQ(settings::get("scraper_timeout"), 120);
  EXPECT_EQ(core.calls(settings::kPath), 1);  // not on every request
  core.reply(settings::kPath, R"({"settings": {"scraper_timeout": 45}})");
  settings::detail::backdate_last_try(std::chrono::seconds(59));
  EXPECT_EQ(settings::get("scraper_timeout"), 120);
  EXPECT_EQ(core.calls(settings::kPath), 1);
  settings::detail::backdate_last_try(std::chrono::seconds(2));
  EXPECT_EQ(settings::get("scraper_timeout"), 45);
  EXPECT_EQ(core.calls(settings::kPath), 2);
}

TEST_F(SettingsTest, WhatCoreCannotAnswerIsTheDefaultsNeverAnError) {
  for (const auto& [body, status] : std::vector<std::pair<std::string, int>>{
           {"not json", 200}, {R"({"settings": [1]})", 200}, {"[]", 200}, {"{}", 404}}) {
    settings::reset();
    core.reply(settings::kPath, body, status);
    EXPECT_EQ(settings::get("scraper_timeout"), 120) << body << " " << status;
  }
  settings::reset();
  core.reply(settings::kPath, R"({"settings": null})");
  EXPECT_EQ(settings::get("greeting"), "hello");
  {
    settings::reset();
    ScopedEnv no_core{{"CORE_API_URL", std::nullopt}};
    EXPECT_EQ(settings::get("scraper_timeout"), 120);
  }
  {
    settings::reset();
    ScopedEnv nobody{{"SERVICE_CODE", std::nullopt}};
    EXPECT_EQ(settings::get("scraper_timeout"), 120);
  }
  {
    settings::reset();
    ScopedEnv unreachable{{"CORE_API_URL", "http://127.0.0.1:1"}};
    EXPECT_EQ(settings::get("scraper_timeout"), 120);
  }
}

TEST_F(SettingsTest, TheDeclarationIsWhatTheDeployRegisters) {
  EXPECT_EQ(settings::declared_json(), Json::parse(R"([
      {"code": "scraper_timeout", "type": "number", "default": 120, "label": "Scraper timeout"},
      {"code": "greeting", "type": "string", "default": "hello", "label": ""},
      {"code": "unset", "type": "string", "default": null, "label": ""}])"));
  settings::declare({{.code = ""}, {.code = "only"}});  // a setting without a code is dropped
  EXPECT_EQ(settings::declared().size(), 1U);
}

}  // namespace
}  // namespace aws_helper
