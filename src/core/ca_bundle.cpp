#include "core/ca_bundle.hpp"

#include <unistd.h>

#include <aws_helper/env.hpp>

namespace aws_helper::tls {

std::string find_ca_bundle(std::string_view ssl_cert_file,
                           const std::vector<std::string>& candidates) {
  if (!ssl_cert_file.empty()) return std::string(ssl_cert_file);
  for (const auto& path : candidates) {
    if (::access(path.c_str(), R_OK) == 0) return path;
  }
  return {};
}

const std::string& system_ca_bundle() {
  static const std::string bundle =
      find_ca_bundle(get_env_or("SSL_CERT_FILE", ""), ca_bundle_candidates());
  return bundle;
}

}  // namespace aws_helper::tls
