#include "tenancy/bypass.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <aws_helper/env.hpp>

namespace aws_helper::detail {
namespace {

// Constant time whatever the lengths: both sides are hashed first.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char da[SHA256_DIGEST_LENGTH];
  unsigned char db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, SHA256_DIGEST_LENGTH) == 0;
}

}  // namespace

std::optional<Json> bypass_identity(std::string_view token) {
  auto bypass = get_env("AUTH_BYPASS_TOKEN");
  if (!bypass || bypass->empty() || !same_secret(token, *bypass)) return std::nullopt;
  return Json{
      {"user_id", "bypass"},
      {"user",
       {{"email", "bypass@system"}, {"role", "admin"}, {"name", "Bypass User"}, {"_id", "bypass"}}},
      {"is_bypass", true},
      {"token_data", nullptr}};
}

}  // namespace aws_helper::detail
