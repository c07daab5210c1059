#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json parse_json(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string detail = error.what();
    if (auto pos = detail.find("] "); pos != std::string::npos) detail.erase(0, pos + 2);
    throw ValueError(std::string(what) + " is not valid JSON: " + detail);
  }
}

}  // namespace aws_helper
