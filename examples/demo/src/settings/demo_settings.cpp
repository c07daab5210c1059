// The demo's service settings: declared here with their defaults, set in core's panel, read
// once per container (GET {CORE_API_URL}/service-settings?service=demo). `bootstrap settings`
// prints this list for the deploy to register.
#include <aws_helper/settings.hpp>

namespace {

const aws_helper::settings::Declaration kDemoSettings({
    {.code = "reports_page_size",
     .type = "number",
     .default_value = 20,
     .label = "Reports per page"},
    {.code = "reports_title_prefix",
     .type = "string",
     .default_value = "",
     .label = "Prefix for new report titles"},
});

}  // namespace
