// The system's CA certificates, found at run time.
//
// The Lambda build links OpenSSL statically from Debian, whose built-in trust store is
// /usr/lib/ssl (OPENSSLDIR); Amazon Linux 2023 keeps its certificates elsewhere
// (/etc/pki/tls/certs/ca-bundle.crt), so TLS to AWS or Atlas would fail verification there. The
// HTTPS client and the MongoDB pools therefore name the bundle explicitly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aws_helper::tls {

// Where Linux distributions keep the PEM bundle, in the order Go's crypto/x509 tries them.
inline const std::vector<std::string>& ca_bundle_candidates() {
  static const std::vector<std::string> candidates = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine's link
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Amazon Linux, Fedora, RHEL
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/pki/tls/cacert.pem",                            // OpenELEC
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7
      "/etc/ssl/cert.pem",                                  // Alpine
  };
  return candidates;
}

// SSL_CERT_FILE when set (OpenSSL's own variable), else the first candidate that is a readable
// file; empty when there is none (the TLS library's default then applies).
[[nodiscard]] std::string find_ca_bundle(std::string_view ssl_cert_file,
                                         const std::vector<std::string>& candidates);

// find_ca_bundle() for this process, looked up once.
[[nodiscard]] const std::string& system_ca_bundle();

}  // namespace aws_helper::tls
