#include <optional>
#include <utility>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

namespace {
// The current session of this thread. std::optional so an unused thread pays nothing.
thread_local std::optional<Session> current_session;  // NOLINT(cert-err58-cpp)
}  // namespace

Json strip_sensitive_fields(Json user) {
  if (user.is_object()) {
    for (auto field : kSensitiveUserFields) user.erase(std::string(field));
  }
  return user;
}

Session::Session(std::optional<std::string> state, std::optional<Json> user)
    : state_(std::move(state)) {
  set_user(std::move(user));
}

void Session::set_user(std::optional<Json> user) {
  if (user && user->is_null()) user.reset();
  if (user) user = strip_sensitive_fields(std::move(*user));
  user_ = std::move(user);
}

Json Session::to_json() const {
  Json out = Json::object();
  if (state_) out["state"] = *state_;
  if (user_) out["user"] = *user_;
  return out;
}

Session Session::from_json(const Json& value) {
  Session session;
  if (!value.is_object()) return session;
  if (auto it = value.find("state"); it != value.end() && !it->is_null()) {
    if (!it->is_string()) throw ValueError("'session.state' must be a string");
    session.state_ = it->get<std::string>();
  }
  if (auto it = value.find("user"); it != value.end()) session.set_user(*it);
  return session;
}

Session& get_session() {
  if (!current_session) current_session.emplace();
  return *current_session;
}

void set_session(Session session) {
  current_session = std::move(session);
}

SessionScope::SessionScope(Session session) : previous_(std::move(get_session())) {
  set_session(std::move(session));
}

SessionScope::~SessionScope() {
  set_session(std::move(previous_));
}

void check_state_name(std::string_view state) {
  auto refuse = [&](std::string_view why) {
    throw InvalidStateError("State '" + excerpt(state) + "' is not valid: " + std::string(why));
  };
  if (state.empty()) refuse("it is empty");
  if (state.size() > 63) refuse("a database name has at most 63 bytes");
  for (char c : state) {
    if (c == '\0' || std::string_view("/\\. \"$*<>:|?").find(c) != std::string_view::npos) {
      refuse("a database name cannot contain any of /\\. \"$*<>:|? or NUL");
    }
    // It travels in headers (constitution-state) and log lines: no control characters.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      refuse("a state name cannot contain control characters");
    }
  }
  for (std::string_view reserved : {"admin", "local", "config"}) {
    if (state == reserved) refuse("it names a MongoDB system database");
  }
}

std::string state_header_name() {
  auto name = get_env_or("STATE_HEADER", "");
  auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos) return "constitution-state";
  name = name.substr(first, name.find_last_not_of(" \t") - first + 1);
  for (char c : name) {
    // RFC 9110 token characters.
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      throw ConfigurationError("STATE_HEADER is not a valid HTTP header name");
    }
  }
  return name;
}

namespace detail {

RequestTags& request_tags() noexcept {
  thread_local RequestTags tags;  // NOLINT(cert-err58-cpp)
  return tags;
}

Ambient capture_ambient() {
  return Ambient{get_session(), request_tags(), current_deadline()};
}

AmbientScope::AmbientScope(const Ambient& ambient)
    : session_(ambient.session),
      previous_tags_(std::exchange(request_tags(), ambient.tags)),
      deadline_(ambient.deadline) {}

AmbientScope::~AmbientScope() {
  request_tags() = std::move(previous_tags_);
}

}  // namespace detail
}  // namespace aws_helper
