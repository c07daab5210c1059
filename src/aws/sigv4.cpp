#include <algorithm>
#include <array>
#include <ctime>
#include <initializer_list>
#include <map>
#include <stdexcept>

#include <openssl/evp.h>

#include <aws_helper/sigv4.hpp>

#include "core/text.hpp"

namespace aws_helper::sigv4 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using detail::hex;

// SHA-256 through a digest fetched once and a context kept per thread: OpenSSL 3's one-shot
// SHA256() and HMAC() look the algorithm up in the provider on every call, which was most of
// the signing time.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::initializer_list<std::string_view> parts) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
    Context() = default;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
  };
  thread_local Context context;
  Digest out{};
  unsigned int length = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex(context.ctx, sha256_md(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is not available from OpenSSL");
  }
  for (auto part : parts) EVP_DigestUpdate(context.ctx, part.data(), part.size());
  EVP_DigestFinal_ex(context.ctx, out.data(), &length);
  return out;
}

std::string_view view(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// HMAC-SHA256 (RFC 2104) on the digest above.
std::string hmac(std::string_view key, std::string_view data) {
  constexpr std::size_t kBlock = 64;
  std::array<char, kBlock> inner_pad{};
  std::array<char, kBlock> outer_pad{};
  Digest hashed_key{};
  if (key.size() > kBlock) {
    hashed_key = sha256({key});
    key = view(hashed_key);
  }
  for (std::size_t i = 0; i < kBlock; ++i) {
    auto byte = i < key.size() ? static_cast<unsigned char>(key[i]) : 0U;
    inner_pad[i] = static_cast<char>(byte ^ 0x36U);
    outer_pad[i] = static_cast<char>(byte ^ 0x5cU);
  }
  auto inner = sha256({std::string_view(inner_pad.data(), kBlock), data});
  auto outer = sha256({std::string_view(outer_pad.data(), kBlock), view(inner)});
  return std::string(view(outer));
}

using aws_helper::detail::lower;

// Trimmed, with runs of spaces and tabs folded to one space.
std::string header_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int high = hexval(text[i + 1]);
      int low = hexval(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// RFC 3986 remove_dot_segments, and duplicate slashes collapsed.
std::string normalize(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (auto segment : kept) {
    out += '/';
    out += segment;
  }
  bool trailing = !path.empty() && (path.back() == '/' || path.ends_with("/.") ||
                                    path.ends_with("/..") || path == "." || path == "..");
  if (out.empty()) return "/";
  if (trailing) out += '/';
  return out;
}

using Params = std::vector<std::pair<std::string, std::string>>;  // encoded key, encoded value

Params query_params(std::string_view query) {
  Params params;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    params.emplace_back(uri_encode(percent_decode(key)), uri_encode(percent_decode(value)));
  }
  return params;
}

std::string join_query(Params params) {
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

struct Canonical {
  std::string headers;         // "host:example.com\nx-amz-date:...\n"
  std::string signed_headers;  // "host;x-amz-date"
};

Canonical canonical_headers(const Headers& headers) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    auto key = lower(name);
    auto clean = header_value(value);
    auto [it, inserted] = merged.emplace(key, clean);
    if (!inserted) {
      it->second += ',';
      it->second += clean;
    }
  }
  Canonical out;
  for (const auto& [name, value] : merged) {
    out.headers += name;
    out.headers += ':';
    out.headers += value;
    out.headers += '\n';
    if (!out.signed_headers.empty()) out.signed_headers += ';';
    out.signed_headers += name;
  }
  return out;
}

std::string canonical_path(const Request& request, const Options& options) {
  std::string path = request.path.empty() ? "/" : request.path;
  if (options.normalize_path) path = normalize(path);
  return options.encode_path ? uri_encode(path, false) : path;
}

struct Stamp {
  std::string date_time;  // 20150830T123600Z
  std::string date;       // 20150830
};

Stamp stamp(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y%m%dT%H%M%SZ", &utc);
  Stamp out;
  out.date_time = buffer.data();
  out.date = out.date_time.substr(0, 8);
  return out;
}

std::string signature_of(const std::string& string_to_sign, const Credentials& credentials,
                         const Stamp& when, const Options& options) {
  // The signing key changes once a day per secret, region and service: derive it once (per
  // thread) instead of four HMACs per request, as the SDKs do.
  struct KeyCache {
    std::string secret, date, region, service, key;
  };
  thread_local KeyCache cache;
  if (cache.key.empty() || cache.secret != credentials.secret_access_key ||
      cache.date != when.date || cache.region != options.region ||
      cache.service != options.service) {
    std::string key = hmac("AWS4" + credentials.secret_access_key, when.date);
    key = hmac(key, options.region);
    key = hmac(key, options.service);
    cache = {credentials.secret_access_key, when.date, options.region, options.service,
             hmac(key, "aws4_request")};
  }
  std::string raw = hmac(cache.key, string_to_sign);
  return hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string to_sign(const std::string& canonical_request, const Stamp& when,
                    const std::string& scope) {
  return std::string(kAlgorithm) + "\n" + when.date_time + "\n" + scope + "\n" +
         sha256_hex(canonical_request);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  auto digest = sha256({data});
  return hex(digest.data(), digest.size());
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  return detail::uri_encode(text, encode_slash);
}

Signed sign_headers(const Request& request, std::string_view payload_hash,
                    const Credentials& credentials, const Options& options) {
  Stamp when = stamp(options.time);
  std::string scope = when.date + "/" + options.region + "/" + options.service + "/aws4_request";
  Signed out;
  auto headers = request.headers;
  out.headers.add("X-Amz-Date", when.date_time);
  if (options.sign_body) out.headers.add("X-Amz-Content-Sha256", std::string(payload_hash));
  bool token = !credentials.session_token.empty();
  if (token && !options.omit_session_token)
    out.headers.add("X-Amz-Security-Token", credentials.session_token);
  for (const auto& [name, value] : out.headers) headers.add(name, value);
  Canonical canonical = canonical_headers(headers);
  out.query = request.query;
  out.canonical_request = request.method + "\n" + canonical_path(request, options) + "\n" +
                          join_query(query_params(request.query)) + "\n" + canonical.headers +
                          "\n" + canonical.signed_headers + "\n" + std::string(payload_hash);
  out.string_to_sign = to_sign(out.canonical_request, when, scope);
  out.signature = signature_of(out.string_to_sign, credentials, when, options);
  if (token && options.omit_session_token)
    out.headers.add("X-Amz-Security-Token", credentials.session_token);
  out.headers.add("Authorization", std::string(kAlgorithm) +
                                       " Credential=" + credentials.access_key_id + "/" + scope +
                                       ", SignedHeaders=" + canonical.signed_headers +
                                       ", Signature=" + out.signature);
  return out;
}

Signed sign_query(const Request& request, std::string_view payload_hash,
                  const Credentials& credentials, const Options& options) {
  Stamp when = stamp(options.time);
  std::string scope = when.date + "/" + options.region + "/" + options.service + "/aws4_request";
  Canonical canonical = canonical_headers(request.headers);
  Params params = query_params(request.query);
  params.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  params.emplace_back("X-Amz-Credential", uri_encode(credentials.access_key_id + "/" + scope));
  params.emplace_back("X-Amz-Date", when.date_time);
  params.emplace_back("X-Amz-Expires", std::to_string(options.expires.count()));
  bool token = !credentials.session_token.empty();
  if (token && !options.omit_session_token)
    params.emplace_back("X-Amz-Security-Token", uri_encode(credentials.session_token));
  params.emplace_back("X-Amz-SignedHeaders", uri_encode(canonical.signed_headers));
  std::string query = join_query(params);
  Signed out;
  out.canonical_request = request.method + "\n" + canonical_path(request, options) + "\n" + query +
                          "\n" + canonical.headers + "\n" + canonical.signed_headers + "\n" +
                          std::string(payload_hash);
  out.string_to_sign = to_sign(out.canonical_request, when, scope);
  out.signature = signature_of(out.string_to_sign, credentials, when, options);
  out.query = query + "&X-Amz-Signature=" + out.signature;
  if (token && options.omit_session_token)
    out.query += "&X-Amz-Security-Token=" + uri_encode(credentials.session_token);
  return out;
}

}  // namespace aws_helper::sigv4
