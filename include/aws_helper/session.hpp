// The session: who is calling (`user`) and for which tenant (`state`).
//
// As in the Python framework, the current session is ambient: every entry point (API, Lambda,
// SQS record, Fargate task) sets it for the work it does, and code below reads it with
// get_session(). Here it is thread-local and installed with SessionScope, so two invocations
// or two threads never see each other's session. Work handed to the framework pool (pool.hpp)
// runs under the session of the code that submitted it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <aws_helper/deadline.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

class Session {
 public:
  Session() = default;
  Session(std::optional<std::string> state, std::optional<Json> user);

  [[nodiscard]] const std::optional<std::string>& state() const noexcept { return state_; }
  void set_state(std::optional<std::string> state) { state_ = std::move(state); }

  [[nodiscard]] const std::optional<Json>& user() const noexcept { return user_; }
  // Stores the user without its `password` and `hashed_password` fields.
  void set_user(std::optional<Json> user);

  // True when neither state nor user is set.
  [[nodiscard]] bool empty() const noexcept { return !state_ && !user_; }

  // {"state": ..., "user": ...} with only the fields that are set ({} for an empty session).
  [[nodiscard]] Json to_json() const;
  // Reads {"state", "user"}; anything that is not an object gives an empty session, as the
  // seed's from_dict. A `state` that is not a string is refused with ValueError, since the
  // state names a database.
  [[nodiscard]] static Session from_json(const Json& value);

  friend bool operator==(const Session&, const Session&) = default;

 private:
  std::optional<std::string> state_;
  std::optional<Json> user_;
};

// The fields removed from any user stored in a session.
inline constexpr std::string_view kSensitiveUserFields[] = {"password", "hashed_password"};

// Returns a copy of `user` without the sensitive fields (objects only; other values unchanged).
[[nodiscard]] Json strip_sensitive_fields(Json user);

// The current thread's session; an empty one is created on first use.
[[nodiscard]] Session& get_session();
// Replaces the current thread's session.
void set_session(Session session);

// Installs a session for the lifetime of the scope and restores the previous one afterwards.
class SessionScope {
 public:
  explicit SessionScope(Session session);
  ~SessionScope();
  SessionScope(const SessionScope&) = delete;
  SessionScope& operator=(const SessionScope&) = delete;

 private:
  Session previous_;
};

// Checks that a state can name a tenant database: a valid MongoDB database name (1-63 bytes,
// none of `/\. "$*<>:|?` or NUL) and not one of MongoDB's own databases (`admin`, `local`,
// `config`). Throws InvalidStateError otherwise. Whether the state is active is checked by
// StateValidator against core.states.
void check_state_name(std::string_view state);

// The header that carries the state: STATE_HEADER, default "constitution-state" (as Python;
// matched in any case). A name that is not an HTTP token is a ConfigurationError.
[[nodiscard]] std::string state_header_name();

namespace detail {
// What work handed to another thread carries along: the session and the request tags that log
// lines show (request id, trace id).
struct RequestTags {
  std::string request_id;
  std::string trace_id;
};
struct Ambient {
  Session session;
  RequestTags tags;
  std::optional<Deadline> deadline;  // current_deadline() (aws_helper/deadline.hpp)
};
// The request tags of this thread (set by the runtime for each invocation).
[[nodiscard]] RequestTags& request_tags() noexcept;
[[nodiscard]] Ambient capture_ambient();

// Installs a captured Ambient for the lifetime of the scope (used by the pool).
class AmbientScope {
 public:
  explicit AmbientScope(const Ambient& ambient);
  ~AmbientScope();
  AmbientScope(const AmbientScope&) = delete;
  AmbientScope& operator=(const AmbientScope&) = delete;

 private:
  SessionScope session_;
  RequestTags previous_tags_;
  DeadlineScope deadline_;
};
}  // namespace detail

}  // namespace aws_helper
