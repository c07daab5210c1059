// POST /reports — guarded by a permission, whatever AUTHORIZATION says: the caller needs a token
// (with AUTH_STRATEGY=jwt, a JWT from core) and the grant "demo:POST /reports" (or "demo:*",
// "*") among the token's `permissions`. The report is written through ReportsRepository, so it
// carries who created it and when; its title prefix is a service setting.
#include <aws_helper/api.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/settings.hpp>

#include "repositories/reports.hpp"

class ReportsPostAPI : public aws_helper::API {
 public:
  [[nodiscard]] aws_helper::ApiDoc doc() const override {
    return {.summary = "File a report (audited: created_by is the caller)", .success_code = 201};
  }
  [[nodiscard]] std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::permission;
  }
  // The grants travel in the token: a JWT's extra claim `permissions`, copied to the user.
  std::optional<std::vector<std::string>> granted_permissions() override {
    return aws_helper::permissions::granted_in(current_user());
  }

  void validate() override {
    if (!data().is_object() || !data().contains("title") || !data()["title"].is_string() ||
        data()["title"].get_ref<const std::string&>().empty()) {
      throw aws_helper::ValueError("'title' is required");
    }
  }

  void process() override {
    std::string prefix = aws_helper::settings::get("reports_title_prefix", "").get<std::string>();
    aws_helper::Json report = {{"title", prefix + data()["title"].get<std::string>()},
                               {"status", data().value("status", "draft")}};
    auto inserted = reports_.collection().insert_one(report);  // InvalidStatusError: 400
    set_code(201).set_body(
        {{"data", *reports_.collection().find_one({{"_id", inserted.inserted_id}})}});
  }

 private:
  ReportsRepository reports_;
};
