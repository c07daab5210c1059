#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/error.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {
namespace {

TEST(SessionTest, JsonRoundTripKeepsOnlySetFields) {
  EXPECT_EQ(Session{}.to_json(), Json::object());
  Session session{"connecticut", Json{{"_id", "u1"}, {"name", "Ana"}}};
  Json json = session.to_json();
  EXPECT_EQ(json, (Json{{"state", "connecticut"}, {"user", {{"_id", "u1"}, {"name", "Ana"}}}}));
  EXPECT_EQ(Session::from_json(json), session);
  EXPECT_EQ(Session::from_json(Json{{"state", "ohio"}}).to_json(), (Json{{"state", "ohio"}}));
}

TEST(SessionTest, StripsPasswordFieldsFromUser) {
  Session session{std::nullopt, Json{{"name", "Ana"}, {"password", "p"}, {"hashed_password", "h"}}};
  EXPECT_EQ(*session.user(), (Json{{"name", "Ana"}}));
  session.set_user(Json{{"password", "x"}, {"email", "a@b"}});
  EXPECT_EQ(*session.user(), (Json{{"email", "a@b"}}));
  auto parsed = Session::from_json({{"user", {{"hashed_password", "h"}, {"id", 1}}}});
  EXPECT_EQ(*parsed.user(), (Json{{"id", 1}}));
}

TEST(SessionTest, FromJsonOfNonObjectIsEmpty) {
  EXPECT_TRUE(Session::from_json(Json("text")).empty());
  EXPECT_TRUE(Session::from_json(Json::array()).empty());
  EXPECT_TRUE(Session::from_json(nullptr).empty());
}

TEST(SessionTest, FromJsonRefusesNonStringState) {
  EXPECT_THROW((void)Session::from_json({{"state", 42}}), ValueError);
}

TEST(SessionTest, ScopeInstallsAndRestores) {
  set_session(Session{"outer", std::nullopt});
  {
    SessionScope scope{Session{"inner", std::nullopt}};
    EXPECT_EQ(get_session().state(), "inner");
    {
      SessionScope nested{Session{}};
      EXPECT_FALSE(get_session().state().has_value());
    }
    EXPECT_EQ(get_session().state(), "inner");
  }
  EXPECT_EQ(get_session().state(), "outer");
  set_session(Session{});
}

TEST(SessionTest, ThreadsDoNotShareSessions) {
  set_session(Session{"main-thread", std::nullopt});
  std::optional<std::string> seen = "unset";
  std::thread other([&] {
    seen = get_session().state();
    set_session(Session{"other-thread", std::nullopt});
  });
  other.join();
  EXPECT_FALSE(seen.has_value());
  EXPECT_EQ(get_session().state(), "main-thread");
  set_session(Session{});
}

TEST(SessionTest, StateNameChecks) {
  EXPECT_NO_THROW(check_state_name("connecticut"));
  EXPECT_NO_THROW(check_state_name("new-york_2"));
  EXPECT_NO_THROW(check_state_name(std::string(63, 'a')));
  for (const char* bad : {"", "admin", "local", "config", "a.b", "a/b", "a b", "a$b", "a\\b",
                          "a\"b", "a*b", "a<b", "a>b", "a:b", "a|b", "a?b"}) {
    EXPECT_THROW(check_state_name(bad), InvalidStateError) << "'" << bad << "'";
  }
  EXPECT_THROW(check_state_name(std::string(64, 'a')), InvalidStateError);
  EXPECT_THROW(check_state_name(std::string("a\0b", 3)), InvalidStateError);
}

TEST(SessionTest, StateNameErrorSaysWhy) {
  try {
    check_state_name("admin");
    FAIL();
  } catch (const InvalidStateError& error) {
    EXPECT_STREQ(error.what(), "State 'admin' is not valid: it names a MongoDB system database");
    EXPECT_EQ(error.error_type(), "InvalidStateError");
  }
}

// A state comes from a header or an event: a long one is cut in the message, never echoed whole.
TEST(SessionTest, ALongStateIsNotQuotedBackWhole) {
  try {
    check_state_name(std::string(70000, 'x'));
    FAIL();
  } catch (const InvalidStateError& error) {
    EXPECT_LT(std::string(error.what()).size(), 200U) << std::string(error.what()).size();
  }
}

}  // namespace
}  // namespace aws_helper
