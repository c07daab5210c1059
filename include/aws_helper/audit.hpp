// Audit and record status on every repository write, as aws-python-helper 1.5-1.12 stamps them,
// so documents a C++ service writes to a shared collection look like the Python services' own:
//
//   {..., "created_at": {"$date": ...}, "updated_at": {"$date": ...},
//    "created_by": {"type": "user", "id": "6650...", "name": "Ada"},
//    "updated_by": {...}, "status": "active"}
//
// Repository::collection() applies it (Repository::audit(), statuses(), default_status(),
// status_field()); Collection::audited(policy) applies it to any collection. The caller's own
// values always win: the stamp fills gaps, it never overrules. A status outside the declared
// set is refused with InvalidStatusError (400) before anything is sent.
//
// The author is the session's user ({"type": "user", "id": str(_id | id | user_id),
// "name": name | email | id}), else the process: {"type": "system",
// "id": SERVICE_CODE | NAMESPACE | "constitution",
// "name": PROCESS_NAME | AWS_LAMBDA_FUNCTION_NAME | TASK_NAME | the id}.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

namespace audit {
inline constexpr const char* kCreatedAt = "created_at";
inline constexpr const char* kCreatedBy = "created_by";
inline constexpr const char* kUpdatedAt = "updated_at";
inline constexpr const char* kUpdatedBy = "updated_by";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kActive = "active";
inline constexpr const char* kInactive = "inactive";
}  // namespace audit

struct AuditPolicy {
  // The values the status field may take; empty: the collection has no status at all.
  std::vector<std::string> statuses = {audit::kActive, audit::kInactive};
  // What a new record gets; nullopt: the first of `statuses`.
  std::optional<std::string> default_status = std::nullopt;
  // Where the status is kept (e.g. "lifecycle_status" when `status` means something else).
  std::string status_field = audit::kStatus;

  [[nodiscard]] std::optional<std::string> initial_status() const;
};

// A status the repository does not declare (Python: InvalidStatusError, a ValueError).
class InvalidStatusError : public ValueError {
 public:
  explicit InvalidStatusError(const std::string& message)
      : ValueError("InvalidStatusError", message) {}
};

// Who is writing now: the session's user, else the process (see above).
[[nodiscard]] Json current_actor();

// The fields of a document being created (insert, replace): created_at/updated_at (one
// instant), created_by/updated_by and the status, each only where the document has none.
// Anything but an object is returned unchanged.
[[nodiscard]] Json stamp_new(Json document, const AuditPolicy& policy = {});

// The fields of a modification: updated_at/updated_by in `$set`; with `upsert`, created_at,
// created_by and the initial status in `$setOnInsert` unless another operator of the update
// already writes that path (MongoDB refuses two operators on one path). A pipeline gets one
// more `$set` stage at the end; a replacement (no operators) is stamped as a new document.
[[nodiscard]] Json stamp_update(Json update, bool upsert, const AuditPolicy& policy = {});

// The audit fields ready to show: authors as {"name", "type"}, dates as ISO 8601 text.
[[nodiscard]] Json public_audit(Json document);

}  // namespace aws_helper
