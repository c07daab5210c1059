// The audit stamp against what aws-python-helper 1.12's repository/audit.py produces for the
// same input (its tests/test_audit_stamp.py cases first, then the actor and the rest).
#include <set>

#include <gtest/gtest.h>

#include <aws_helper/audit.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/session.hpp>

#include "support/scoped_env.hpp"

namespace aws_helper {
namespace {

using testing::ScopedEnv;

const AuditPolicy kActiveInactive{};

// Paths that two operators of one update write together: what MongoDB refuses.
std::set<std::string> conflicts(const Json& update) {
  std::set<std::string> clash;
  std::vector<const Json*> sections;
  for (const auto& [name, section] : update.items()) {
    if (name[0] == '$' && section.is_object()) sections.push_back(&section);
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    for (std::size_t j = i + 1; j < sections.size(); ++j) {
      for (const auto& [key, value] : sections[i]->items()) {
        for (const auto& [other, v] : sections[j]->items()) {
          if (key == other || other.rfind(key + ".", 0) == 0 || key.rfind(other + ".", 0) == 0)
            clash.insert(key);
        }
      }
    }
  }
  return clash;
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.items()) out.push_back(key);
  return out;
}

class AuditTest : public ::testing::Test {
 protected:
  ScopedEnv env_{{"SERVICE_CODE", std::nullopt},
                 {"NAMESPACE", std::nullopt},
                 {"PROCESS_NAME", std::nullopt},
                 {"AWS_LAMBDA_FUNCTION_NAME", std::nullopt},
                 {"TASK_NAME", std::nullopt}};
  SessionScope session_{Session()};
};

TEST_F(AuditTest, NoTwoOperatorsWriteTheSamePathOnAnUpsert) {
  for (const Json& update : {
           Json::parse(R"({"$set": {"name": "ct", "status": "active"}})"),
           Json::parse(R"({"$set": {"created_at": "fixed"}})"),
           Json::parse(R"({"$set": {"created_by": {"name": "x"}}})"),
           Json::parse(R"({"$set": {"name": "ct"}})"),
           Json::parse(R"({"$set": {"name": "ct"}, "$inc": {"hits": 1}})"),
           // Beyond Python: a nested path, and the caller's own $setOnInsert of updated_at.
           Json::parse(R"({"$set": {"created_by.name": "x"}})"),
           Json::parse(R"({"$setOnInsert": {"updated_at": 1}, "$set": {"a": 1}})"),
       }) {
    Json result = stamp_update(update, true, kActiveInactive);
    EXPECT_TRUE(conflicts(result).empty()) << update << " -> " << result;
  }
}

TEST_F(AuditTest, AnUpsertIsStampedCompletelyWhenNothingConflicts) {
  Json result =
      stamp_update(Json::parse(R"({"$set": {"name": "ct"}})"), true, {.default_status = "active"});
  EXPECT_EQ(keys(result["$set"]), (std::vector<std::string>{"name", "updated_at", "updated_by"}));
  EXPECT_EQ(keys(result["$setOnInsert"]),
            (std::vector<std::string>{"created_at", "created_by", "status"}));
  EXPECT_EQ(result["$setOnInsert"]["status"], "active");
  EXPECT_EQ(result["$set"]["updated_at"], result["$setOnInsert"]["created_at"]);
  EXPECT_TRUE(result["$set"]["updated_at"].contains("$date"));
}

TEST_F(AuditTest, TheCallersOwnValueWins) {
  Json result = stamp_update(Json::parse(R"({"$set": {"status": "inactive"}})"), true,
                             {.default_status = "active"});
  EXPECT_EQ(result["$set"]["status"], "inactive");
  EXPECT_FALSE(result["$setOnInsert"].contains("status"));

  Json document = stamp_new(Json::parse(R"({"created_by": "import", "status": "inactive"})"));
  EXPECT_EQ(document["created_by"], "import");
  EXPECT_EQ(document["status"], "inactive");
  EXPECT_TRUE(document["updated_by"].is_object());
}

TEST_F(AuditTest, WithoutUpsertThereIsNoInsertStamp) {
  Json result = stamp_update(Json::parse(R"({"$set": {"status": "inactive"}})"), false);
  EXPECT_FALSE(result.contains("$setOnInsert"));
  EXPECT_EQ(keys(result), std::vector<std::string>{"$set"});
}

TEST_F(AuditTest, WithoutStatusesNoStatusIsInvented) {
  const AuditPolicy none{.statuses = {}};
  Json result = stamp_update(Json::parse(R"({"$set": {"name": "ct"}})"), true, none);
  EXPECT_FALSE(result["$setOnInsert"].contains("status"));
  EXPECT_FALSE(stamp_new(Json{{"a", 1}}, none).contains("status"));
  // Nor is any value checked.
  EXPECT_EQ(stamp_new(Json{{"status", "anything"}}, none)["status"], "anything");
}

TEST_F(AuditTest, APipelineGetsOneMoreSetStageAtTheEnd) {
  Json result = stamp_update(Json::parse(R"([{"$set": {"name": "ct"}}])"), true);
  ASSERT_TRUE(result.is_array());
  ASSERT_EQ(result.size(), 2U);
  EXPECT_EQ(keys(result[1]["$set"]), (std::vector<std::string>{"updated_at", "updated_by"}));
}

TEST_F(AuditTest, TheStatusFieldCanBeCalledSomethingElse) {
  const AuditPolicy lifecycle{.default_status = "active", .status_field = "lifecycle_status"};
  Json document = stamp_new(Json{{"name", "x"}, {"status", "FORFEITED"}}, lifecycle);
  EXPECT_EQ(document["status"], "FORFEITED");
  EXPECT_EQ(document["lifecycle_status"], "active");

  Json update = stamp_update(Json::parse(R"({"$set": {"name": "x"}})"), true,
                             {.statuses = {"active"}, .status_field = "lifecycle_status"});
  EXPECT_EQ(update["$setOnInsert"]["lifecycle_status"], "active");
  EXPECT_TRUE(conflicts(update).empty());

  try {
    (void)stamp_new(Json{{"lifecycle_status", "made up"}},
                    {.statuses = {"active"}, .status_field = "lifecycle_status"});
    FAIL() << "a value outside the declared set was accepted";
  } catch (const InvalidStatusError& error) {
    EXPECT_STREQ(error.what(),
                 "'made up' is not a valid value for 'lifecycle_status'. Declared: active");
    EXPECT_EQ(error.http_status(), 400);
    EXPECT_EQ(error.error_type(), "InvalidStatusError");
  }
}

TEST_F(AuditTest, StatusesOutsideTheSetAreRefusedInSetAndSetOnInsert) {
  EXPECT_THROW((void)stamp_update(Json::parse(R"({"$set": {"status": "gone"}})"), false),
               InvalidStatusError);
  EXPECT_THROW((void)stamp_update(Json::parse(R"({"$setOnInsert": {"status": 3}})"), true),
               InvalidStatusError);
  EXPECT_THROW((void)stamp_new(Json{{"status", "deleted"}}), InvalidStatusError);
  // A declared default that is not declared is refused on the first write (as Python).
  EXPECT_THROW((void)stamp_new(Json::object(), {.default_status = "pending"}), InvalidStatusError);
  // null is "no status given": accepted, as Python's `value is not None` check.
  EXPECT_NO_THROW((void)stamp_new(Json{{"status", nullptr}}));
  EXPECT_NO_THROW((void)stamp_update(Json::parse(R"({"$set": {"status": "inactive"}})"), false));
}

TEST_F(AuditTest, ANewDocumentGetsTheFieldsInPythonsOrder) {
  Json document = stamp_new(Json{{"number", 7}});
  EXPECT_EQ(keys(document), (std::vector<std::string>{"number", "created_at", "updated_at",
                                                      "created_by", "updated_by", "status"}));
  EXPECT_EQ(document["created_at"], document["updated_at"]);
  EXPECT_EQ(document["status"], "active");
  EXPECT_EQ(document["created_by"], Json::parse(R"({"type": "system", "id": "constitution",
                                                    "name": "constitution"})"));
}

TEST_F(AuditTest, AReplacementPassedAsAnUpdateIsStampedAsNew) {
  Json result = stamp_update(Json{{"name", "x"}}, false);
  EXPECT_TRUE(result.contains("created_at"));
  EXPECT_EQ(result["status"], "active");
  // {} is an (empty) update, not a replacement: Python stamps $set.
  EXPECT_EQ(keys(stamp_update(Json::object(), false)), std::vector<std::string>{"$set"});
}

TEST_F(AuditTest, TheSystemActorNamesTheServiceAndTheProcess) {
  {
    ScopedEnv env{{"NAMESPACE", "orders"}, {"TASK_NAME", "rebuild"}};
    EXPECT_EQ(current_actor(),
              Json::parse(R"({"type": "system", "id": "orders", "name": "rebuild"})"));
  }
  {
    ScopedEnv env{{"SERVICE_CODE", "billing"},
                  {"NAMESPACE", "orders"},
                  {"PROCESS_NAME", ""},
                  {"AWS_LAMBDA_FUNCTION_NAME", "billing-api"},
                  {"TASK_NAME", "rebuild"}};
    // An empty variable counts as unset (Python's `getenv(a) or getenv(b)`).
    EXPECT_EQ(current_actor(),
              Json::parse(R"({"type": "system", "id": "billing", "name": "billing-api"})"));
  }
  ScopedEnv env{{"SERVICE_CODE", "billing"}};
  EXPECT_EQ(current_actor(),
            Json::parse(R"({"type": "system", "id": "billing", "name": "billing"})"));
}

TEST_F(AuditTest, TheUserActorComesFromTheSession) {
  auto actor_of = [](const Json& user) {
    SessionScope scope{Session(std::string("ct"), user)};
    return current_actor();
  };
  EXPECT_EQ(actor_of(Json::parse(
                R"({"_id": {"$oid": "665000000000000000000001"}, "name": "Ada", "email": "a@x"})")),
            Json::parse(R"({"type": "user", "id": "665000000000000000000001", "name": "Ada"})"));
  EXPECT_EQ(actor_of(Json::parse(R"({"id": 42, "email": "a@x"})")),
            Json::parse(R"({"type": "user", "id": "42", "name": "a@x"})"));
  EXPECT_EQ(actor_of(Json::parse(R"({"_id": "", "user_id": "u-9", "name": ""})")),
            Json::parse(R"({"type": "user", "id": "u-9", "name": "u-9"})"));
  // A user without any id is not a person the stamp can name: the process is.
  EXPECT_EQ(actor_of(Json::parse(R"({"name": "Ada"})"))["type"], "system");
  EXPECT_EQ(actor_of(Json("not an object"))["type"], "system");
}

TEST_F(AuditTest, PublicAuditShowsNamesTypesAndIsoDates) {
  Json document = {
      {"created_at",
       date(std::chrono::system_clock::time_point(std::chrono::milliseconds(1764763200123)))},
      {"updated_at", date(std::chrono::system_clock::time_point(std::chrono::seconds(1764763200)))},
      {"created_by", {{"type", "system"}, {"id", "orders"}, {"name", "rebuild"}}},
      {"updated_by", {{"id", "u1"}, {"name", "Ada"}}},
      {"other", 1}};
  Json shown = public_audit(document);
  EXPECT_EQ(shown["created_at"], "2025-12-03T12:00:00.123000+00:00");
  EXPECT_EQ(shown["updated_at"], "2025-12-03T12:00:00+00:00");
  EXPECT_EQ(shown["created_by"], Json::parse(R"({"name": "rebuild", "type": "system"})"));
  EXPECT_EQ(shown["updated_by"], Json::parse(R"({"name": "Ada", "type": "user"})"));
  EXPECT_EQ(shown["other"], 1);
  EXPECT_EQ(public_audit(Json(3)), Json(3));
}

}  // namespace
}  // namespace aws_helper
