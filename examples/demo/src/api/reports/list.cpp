// GET /reports — the newest reports, as many as the `reports_page_size` service setting says
// (20 until core's panel says otherwise), with their audit fields ready to show (authors as
// name and type, dates as ISO 8601). Guarded like POST /reports: "demo:GET /reports".
#include <aws_helper/api.hpp>
#include <aws_helper/audit.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/settings.hpp>

#include "repositories/reports.hpp"

class ReportsListAPI : public aws_helper::API {
 public:
  [[nodiscard]] std::optional<aws_helper::AuthMode> authorization() const override {
    return aws_helper::AuthMode::permission;
  }
  std::optional<std::vector<std::string>> granted_permissions() override {
    return aws_helper::permissions::granted_in(current_user());
  }

  void process() override {
    auto page_size = aws_helper::settings::get("reports_page_size", 20).get<std::int64_t>();
    aws_helper::FindOptions options;
    options.sort = {{"created_at", -1}};
    options.limit = page_size;
    aws_helper::Json reports = aws_helper::Json::array();
    for (auto& report : reports_.collection().find({}, options).to_list())
      reports.push_back(aws_helper::public_audit(std::move(report)));
    set_body({{"data", reports}, {"page_size", page_size}});
  }

 private:
  ReportsRepository reports_;
};
