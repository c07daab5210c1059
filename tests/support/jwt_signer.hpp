// RSA keys and signed JWTs made with OpenSSL in the test, for the JWT strategy's tests.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper::testing {

inline std::string base64url(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

inline long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RsaKey {
 public:
  explicit RsaKey(unsigned bits = 2048) : key_(EVP_RSA_gen(bits), EVP_PKEY_free) {}

  [[nodiscard]] std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
  }

  // {"kty": "RSA", "kid": kid, "n", "e", "use": "sig", "alg": "RS256"}
  [[nodiscard]] Json jwk(const std::string& kid) const {
    return {{"kty", "RSA"},
            {"kid", kid},
            {"use", "sig"},
            {"alg", "RS256"},
            {"n", base64url(bn(OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url(bn(OSSL_PKEY_PARAM_RSA_E))}};
  }

  // header.payload.signature with RS256 (the header gets "alg": "RS256" unless it has one).
  [[nodiscard]] std::string sign(Json header, const Json& claims) const {
    if (!header.contains("alg")) header["alg"] = "RS256";
    std::string input = base64url(header.dump()) + "." + base64url(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
    std::size_t size = 0;
    EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string signature(size, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    signature.resize(size);
    return input + "." + base64url(signature);
  }

 private:
  [[nodiscard]] std::string bn(const char* name) const {
    BIGNUM* value = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), name, &value);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(value)), '\0');
    BN_bn2bin(value, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(value);
    return bytes;
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

// An HS256 token whose HMAC secret is `secret` (the "public key as secret" attack).
inline std::string sign_hs256(const std::string& secret, const Json& claims) {
  std::string input =
      base64url(Json{{"alg", "HS256"}, {"typ", "JWT"}}.dump()) + "." + base64url(claims.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
  return input + "." + base64url(std::string(reinterpret_cast<char*>(mac), size));
}

// Claims core would issue: iss constitution-core, sub, an hour to live.
inline Json core_claims(const std::string& sub = "65f1a2b3c4d5e6f7a8b9c0d1") {
  return {{"iss", "constitution-core"}, {"sub", sub},
          {"email", "ana@example.com"}, {"name", "Ana"},
          {"role", "editor"},           {"iat", unix_now()},
          {"exp", unix_now() + 3600}};
}

}  // namespace aws_helper::testing
