// Service settings (aws-python-helper 1.15): the code declares which settings exist and their
// defaults; a person sets the values in core's panel; the service reads them once per
// container.
//
//   // anywhere in the service: declared at start, printed by `bootstrap settings` for the deploy
//   static const aws_helper::settings::Declaration kSettings({
//       {.code = "scraper_timeout", .type = "number", .default_value = 120,
//        .label = "Scraper timeout"},
//   });
//
//   // where the value is needed
//   auto timeout = aws_helper::settings::get("scraper_timeout").get<int>();
//
// The values come from GET {CORE_API_URL}/service-settings?service=<SERVICE_CODE | NAMESPACE,
// lower case> with "Authorization: Bearer <INTER_SERVICE_TOKEN>", 5 s timeout, reply
// {"settings": {"code": value, ...}} over the declared defaults. One call per container: the
// first success is kept. When core cannot be asked (no CORE_API_URL or SERVICE_CODE, down,
// an error status, not JSON) the declared defaults answer, a warning is logged, and core is
// asked again at most once a minute. A setting is an adjustment, not a requirement: nothing
// here throws for core being away.
#pragma once

#include <string>
#include <vector>

#include <aws_helper/json.hpp>

namespace aws_helper::settings {

struct Setting {
  std::string code;
  std::string type = "string";  // what the panel edits: "string", "number", "boolean", ...
  Json default_value = nullptr;
  std::string label = {};
};

// Replaces the declared settings (Python's settings.declare). Thread-safe.
void declare(const std::vector<Setting>& declared);
// Declares at static initialisation: `static const Declaration kSettings({...});`.
struct Declaration {
  explicit Declaration(const std::vector<Setting>& declared) { declare(declared); }
};

// What was declared, in order.
[[nodiscard]] std::vector<Setting> declared();
// The declaration as the deploy registers it: [{"code", "type", "default", "label"}, ...].
[[nodiscard]] Json declared_json();

// Every setting of this service: core's values over the declared defaults (see above).
[[nodiscard]] Json all();
// One value: core's, else the declared default, else `fallback`.
[[nodiscard]] Json get(const std::string& code, const Json& fallback = nullptr);

// Forgets what was fetched and when (tests).
void reset();

// The path asked (Python 1.15.3: one segment, so core's GET routing does not read "settings"
// as an id).
inline constexpr const char* kPath = "/service-settings";

}  // namespace aws_helper::settings
