// AWS Signature Version 4, for the framework's AWS calls (and yours).
//
// Checked against the AWS test suite (tests/fixtures/sigv4, from aws-c-auth) and against
// botocore's signer on generated requests. Our own because libcurl's signer does not
// canonicalise paths the way AWS services expect: a Lambda ARN or qualified name in the path
// breaks it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/headers.hpp>

namespace aws_helper::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

// The request as it goes on the wire.
struct Request {
  std::string method = "GET";
  std::string path = "/";  // as sent (percent-encoded the way the client sends it)
  std::string query;       // as sent, without '?': "Action=Publish&Version=2010-03-31"
  // Every header to sign; must include Host.
  Headers headers;
};

struct Options {
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  // Remove dot segments and duplicate slashes from the path (every service but S3).
  bool normalize_path = true;
  // Percent-encode the wire path again for the canonical request (every service but S3).
  bool encode_path = true;
  // Add and sign x-amz-content-sha256.
  bool sign_body = false;
  // Send the session token without signing it (a few services want that).
  bool omit_session_token = false;
  // Query signing (presigned URLs): how long the URL stays valid.
  std::chrono::seconds expires{3600};
};

struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
  // Header signing: the headers to add to the request (X-Amz-Date, X-Amz-Security-Token,
  // X-Amz-Content-Sha256, Authorization). Query signing: empty.
  Headers headers;
  // Query signing: the whole query string to send. Header signing: the request's query.
  std::string query;
};

// Signs with an Authorization header. `payload_hash` is sha256_hex(body) (or
// "UNSIGNED-PAYLOAD" where a service allows it).
[[nodiscard]] Signed sign_headers(const Request& request, std::string_view payload_hash,
                                  const Credentials& credentials, const Options& options);
// Signs in the query string (a presigned request).
[[nodiscard]] Signed sign_query(const Request& request, std::string_view payload_hash,
                                const Credentials& credentials, const Options& options);

[[nodiscard]] std::string sha256_hex(std::string_view data);
// RFC 3986 encoding of everything but unreserved characters (and '/' unless encode_slash).
[[nodiscard]] std::string uri_encode(std::string_view text, bool encode_slash = true);

}  // namespace aws_helper::sigv4
