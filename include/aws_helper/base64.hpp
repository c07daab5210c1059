// Standard Base64 (RFC 4648, with padding), as the SNS session attribute and BSON binary use.
#pragma once

#include <string>
#include <string_view>

namespace aws_helper {

[[nodiscard]] std::string base64_encode(std::string_view bytes);
// Throws ValueError when `text` is not valid padded Base64.
[[nodiscard]] std::string base64_decode(std::string_view text);

}  // namespace aws_helper
