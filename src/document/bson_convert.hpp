// BSON <-> Json (Extended JSON v2 wrappers for BSON-only types; see document.hpp). Private: no
// libbson type appears in a public header.
#pragma once

#include <utility>

#include <bson/bson.h>

#include <aws_helper/json.hpp>

namespace aws_helper::mongo {

// Owns a heap bson_t (bson_new and friends). A class rather than unique_ptr<bson_t>, whose
// template argument would drop bson_t's alignment attribute.
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* doc = nullptr) noexcept : doc_(doc) {}
  ~BsonPtr() {
    if (doc_ != nullptr) bson_destroy(doc_);
  }
  BsonPtr(BsonPtr&& other) noexcept : doc_(std::exchange(other.doc_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&& other) noexcept {
    if (this != &other) {
      if (doc_ != nullptr) bson_destroy(doc_);
      doc_ = std::exchange(other.doc_, nullptr);
    }
    return *this;
  }
  BsonPtr(const BsonPtr&) = delete;
  BsonPtr& operator=(const BsonPtr&) = delete;

  [[nodiscard]] bson_t* get() const noexcept { return doc_; }
  [[nodiscard]] bson_t& operator*() const noexcept { return *doc_; }

 private:
  bson_t* doc_;
};

// Converts a JSON object to a BSON document. Throws ValueError for a value that is not an
// object, a malformed Extended JSON wrapper, an unsigned integer beyond int64, or a key with
// an embedded NUL.
[[nodiscard]] BsonPtr to_bson(const Json& document);
// Appends a JSON object's members to an existing (initialised) BSON document.
void append_members(bson_t* out, const Json& document);

// Converts a BSON document to a JSON object.
[[nodiscard]] Json from_bson(const bson_t& document);

// The duplicate key of an E11000 error: the server reply's writeErrors[0].keyValue when present
// (MongoDB 4.4+), else the text after "dup key: " in the message, else "".
[[nodiscard]] std::string duplicate_key(std::string_view message, const Json* reply);

// The 16 bytes of a UUID in canonical text (8-4-4-4-12 hex digits); ValueError otherwise.
[[nodiscard]] std::string parse_uuid(std::string_view text);

// Milliseconds since the epoch <-> ISO 8601 UTC text with milliseconds ("...T...:SS.mmmZ").
[[nodiscard]] std::string format_iso_date(std::int64_t ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.f...](Z|+HH:MM|-HH:MM)"; throws ValueError otherwise.
[[nodiscard]] std::int64_t parse_iso_date(std::string_view text);

}  // namespace aws_helper::mongo
