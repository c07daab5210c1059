#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/jwt.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"
#include "http/core_api.hpp"
#include "tenancy/bypass.hpp"

namespace aws_helper {
namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.auth"};
  return instance;
}

using Key = std::shared_ptr<EVP_PKEY>;

Key own(EVP_PKEY* key) {
  return Key(key, EVP_PKEY_free);
}

// Why a token is refused: logged, never sent (the caller gets "Invalid token").
struct Refusal {
  std::string reason;
};

constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;

// RFC 7515 base64url without padding, strictly: any other character is a refusal.
std::string base64url_decode(std::string_view text, const char* part) {
  if (text.empty() || text.size() % 4 == 1) throw Refusal{std::string(part) + " is not base64url"};
  std::string standard;
  standard.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '-') {
      standard += '+';
    } else if (c == '_') {
      standard += '/';
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      standard += c;
    } else {
      throw Refusal{std::string(part) + " is not base64url"};
    }
  }
  while (standard.size() % 4 != 0) standard += '=';
  try {
    return base64_decode(standard);
  } catch (const ValueError&) {
    throw Refusal{std::string(part) + " is not base64url"};
  }
}

Json decode_object(std::string_view text, const char* part) {
  Json value;
  try {
    value = parse_json(base64url_decode(text, part), part);
  } catch (const ValueError&) {
    throw Refusal{std::string(part) + " is not JSON"};
  }
  if (!value.is_object()) throw Refusal{std::string(part) + " is not a JSON object"};
  return value;
}

Key rsa_key_from_pem(const std::string& pem) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* ctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA",
                                                        EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (ctx == nullptr) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t size = pem.size();
  const bool ok = OSSL_DECODER_from_data(ctx, &data, &size) == 1;
  OSSL_DECODER_CTX_free(ctx);
  if (!ok || key == nullptr) return nullptr;
  return own(key);
}

// JWT_PUBLIC_KEY: a PEM, or the base64 of one (PEMs are multi-line; env values travel on one).
std::optional<Key> pinned_key() {
  const std::string raw(detail::trim(get_env_or("JWT_PUBLIC_KEY", "")));
  if (raw.empty()) return std::nullopt;
  static std::mutex mutex;
  static std::string cached_text;
  static Key cached;
  std::lock_guard lock(mutex);
  if (cached && raw == cached_text) return cached;
  std::string pem = raw;
  if (raw.rfind("-----BEGIN", 0) != 0) {
    try {
      pem = base64_decode(raw);
    } catch (const ValueError&) {
      throw ConfigurationError("JWT_PUBLIC_KEY is neither a PEM nor the base64 of one");
    }
  }
  Key key = rsa_key_from_pem(pem);
  if (!key) throw ConfigurationError("JWT_PUBLIC_KEY is not an RSA public key in PEM");
  cached_text = raw;
  cached = key;
  return key;
}

std::optional<std::string> jwk_text(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// An RSA public key from a JWK (RFC 7517/7518: kty RSA, n and e base64url). Keys for another
// use or algorithm, and moduli under 2048 bits, are not keys for RS256 signatures.
Key rsa_key_from_jwk(const Json& jwk) {
  if (jwk_text(jwk, "kty").value_or("") != "RSA") throw Refusal{"kty is not RSA"};
  if (auto use = jwk_text(jwk, "use"); use && *use != "sig") throw Refusal{"use is not sig"};
  if (auto alg = jwk_text(jwk, "alg"); alg && *alg != "RS256") throw Refusal{"alg is not RS256"};
  auto n_text = jwk_text(jwk, "n");
  auto e_text = jwk_text(jwk, "e");
  if (!n_text || !e_text) throw Refusal{"n or e missing"};
  const std::string n_bytes = base64url_decode(*n_text, "n");
  const std::string e_bytes = base64url_decode(*e_text, "e");
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n_bytes.data()),
                static_cast<int>(n_bytes.size()), nullptr),
      BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e_bytes.data()),
                static_cast<int>(e_bytes.size()), nullptr),
      BN_free);
  if (!n || !e) throw Refusal{"n or e unreadable"};
  if (BN_num_bits(n.get()) < 2048) throw Refusal{"modulus under 2048 bits"};
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        OSSL_PARAM_BLD_free);
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    throw Refusal{"out of memory"};
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    throw Refusal{"not a usable RSA key"};
  }
  return own(key);
}

// The keys core publishes, kept for the life of the container.
struct KeySet {
  std::mutex mutex;                              // guards keys and last_fetch
  std::map<std::string, Key, std::less<>> keys;  // kid -> key
  std::optional<std::chrono::steady_clock::time_point> last_fetch;
  std::mutex fetch;  // one fetch from core at a time
};

KeySet& key_set() {
  static KeySet instance;
  return instance;
}

std::map<std::string, Key, std::less<>> fetch_keys() {
  Json published;
  try {
    published = http::get_from_core("/jwks", std::chrono::seconds(5), false);
  } catch (const http::CoreApiError& error) {
    throw SigningKeysUnavailableError(std::string("Could not read the signing keys: ") +
                                      error.what());
  }
  std::map<std::string, Key, std::less<>> found;
  const Json* entries =
      published.is_object() && published.contains("keys") ? &published["keys"] : nullptr;
  if (entries != nullptr && entries->is_array()) {
    for (const Json& entry : *entries) {
      auto kid = entry.is_object() ? jwk_text(entry, "kid") : std::nullopt;
      if (!kid || kid->empty()) continue;
      try {
        found[*kid] = rsa_key_from_jwk(entry);
      } catch (const Refusal& refusal) {
        // One unreadable key does not spoil the others.
        logger().warn("Ignoring signing key {} published by core: {}", excerpt(*kid),
                      refusal.reason);
      }
    }
  }
  if (found.empty()) {
    throw SigningKeysUnavailableError("CORE_API_URL/jwks published no usable signing key");
  }
  return found;
}

Key lookup(const std::map<std::string, Key, std::less<>>& keys,
           const std::optional<std::string>& kid) {
  if (kid) {
    auto it = keys.find(*kid);
    return it == keys.end() ? nullptr : it->second;
  }
  // Without a kid only a single published key is an answer: with two, picking one would
  // accept a signature that may not be good.
  return keys.size() == 1 ? keys.begin()->second : nullptr;
}

// The key for a token's kid: pinned, known, or fetched (at most once per refetch floor). The
// fetch runs outside the key set's lock, so tokens whose key is known are checked while core is
// slow; callers that need the fetch wait for it, one at a time, and then see its keys.
Key resolve_key(const std::optional<std::string>& kid) {
  if (auto pinned = pinned_key()) return *pinned;
  KeySet& set = key_set();
  {
    std::lock_guard lock(set.mutex);
    if (Key key = lookup(set.keys, kid)) return key;
  }
  auto refused = [&kid] {
    return Refusal{"no signing key with kid " + (kid ? excerpt(*kid) : std::string("(none)"))};
  };
  std::lock_guard fetching(set.fetch);
  {
    std::lock_guard lock(set.mutex);
    if (Key key = lookup(set.keys, kid)) return key;  // the fetch just before this one had it
    const auto now = std::chrono::steady_clock::now();
    if (set.last_fetch && now - *set.last_fetch < JwtValidator::kRefetchFloor) throw refused();
    set.last_fetch = now;
  }
  auto fetched = fetch_keys();  // bounded (5 s)
  std::lock_guard lock(set.mutex);
  set.keys = std::move(fetched);
  logger().info("Signing keys loaded from core: {} key(s)", set.keys.size());
  if (Key key = lookup(set.keys, kid)) return key;
  throw refused();
}

bool signature_valid(const Key& key, std::string_view signed_part, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

double seconds_claim(const Json& claims, const char* name, bool required) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    if (required) throw Refusal{std::string(name) + " missing"};
    return -1;
  }
  if (!it->is_number()) throw Refusal{std::string(name) + " is not a number"};
  return it->get<double>();
}

// iss, aud, exp, nbf: a Refusal, or "expired" (returned as true).
bool check_claims(const Json& claims) {
  const std::string issuer = get_env_or("JWT_ISSUER", "constitution-core");
  if (claims.value("iss", Json()) != Json(issuer)) throw Refusal{"iss is not " + excerpt(issuer)};
  if (auto audience = get_env_or("JWT_AUDIENCE", ""); !audience.empty()) {
    const Json aud = claims.value("aud", Json());
    bool found = aud == Json(audience);
    if (aud.is_array()) {
      for (const auto& item : aud) found = found || item == Json(audience);
    }
    if (!found) throw Refusal{"aud does not hold " + excerpt(audience)};
  }
  const auto now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto leeway = static_cast<double>(JwtValidator::kLeeway.count());
  if (double nbf = seconds_claim(claims, "nbf", false); nbf >= 0 && now + leeway < nbf) {
    throw Refusal{"not valid yet (nbf)"};
  }
  return now - leeway >= seconds_claim(claims, "exp", true);
}

Json user_from_claims(const Json& claims) {
  const Json& sub = claims["sub"];
  Json user = {{"_id", sub},
               {"email", claims.value("email", Json())},
               {"name", claims.value("name", Json(""))},
               {"role", claims.value("role", Json("user"))}};
  if (auto extra = claims.find("extra"); extra != claims.end() && extra->is_object()) {
    for (const auto& [name, value] : extra->items()) user[name] = value;
  }
  return strip_sensitive_fields(std::move(user));
}

}  // namespace

void JwtValidator::check_configuration() {
  if (pinned_key()) return;
  if (http::core_api_url().empty()) {
    throw ConfigurationError(
        "AUTH_STRATEGY=jwt needs JWT_PUBLIC_KEY or CORE_API_URL (where core publishes its "
        "signing keys)");
  }
}

void JwtValidator::forget_keys() {
  KeySet& set = key_set();
  std::lock_guard lock(set.mutex);
  set.keys.clear();
  set.last_fetch.reset();
}

Json JwtValidator::validate_token(std::string_view token) {
  if (auto bypass = detail::bypass_identity(token)) return std::move(*bypass);
  try {
    if (token.size() > kMaxTokenBytes) throw Refusal{"longer than 16 KiB"};
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
      throw Refusal{"not three dot-separated parts"};
    }
    const Json header = decode_object(token.substr(0, first), "header");
    if (header.value("alg", Json()) != "RS256") throw Refusal{"alg is not RS256"};
    if (header.contains("crit")) throw Refusal{"crit extensions are not understood"};
    std::optional<std::string> kid;
    if (auto it = header.find("kid"); it != header.end()) {
      if (!it->is_string()) throw Refusal{"kid is not a string"};
      kid = it->get<std::string>();
    }
    const std::string signature = base64url_decode(token.substr(second + 1), "signature");
    if (!signature_valid(resolve_key(kid), token.substr(0, second), signature)) {
      throw Refusal{"bad signature"};
    }
    Json claims = decode_object(token.substr(first + 1, second - first - 1), "payload");
    if (check_claims(claims)) {
      logger().warn("JWT expired");
      throw UnauthorizedError("Token has expired");
    }
    const Json sub = claims.value("sub", Json());
    if (!(sub.is_string() && !sub.get<std::string>().empty()) && !sub.is_number_integer()) {
      throw Refusal{"sub missing"};
    }
    Json user = user_from_claims(claims);
    return {{"user_id", sub.is_string() ? sub.get<std::string>() : sub.dump()},
            {"user", std::move(user)},
            {"token_data", std::move(claims)},
            {"is_bypass", false}};
  } catch (const Refusal& refusal) {
    logger().warn("JWT refused: {}", refusal.reason);
    throw UnauthorizedError("Invalid token");
  }
}

}  // namespace aws_helper
