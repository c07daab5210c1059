#include <algorithm>
#include <array>
#include <unordered_map>

#include <aws_helper/api.hpp>

#include "core/text.hpp"

namespace aws_helper {

// ---- PathParameters -------------------------------------------------------------------------

void PathParameters::add(std::string name, std::string alias, std::string value) {
  values_.push_back(value);
  if (!alias.empty()) named_[std::move(alias)] = value;
  named_[std::move(name)] = std::move(value);
}

std::optional<std::string> PathParameters::get(std::string_view name) const {
  if (auto it = named_.find(name); it != named_.end()) return it->second;
  return std::nullopt;
}

const std::string& PathParameters::at(std::string_view name) const {
  if (auto it = named_.find(name); it != named_.end()) return it->second;
  throw ValueError("Missing path parameter '" + std::string(name) + "'");
}

// ---- names ----------------------------------------------------------------------------------

std::string singular_name(std::string_view folder) {
  std::string word(folder);
  std::replace(word.begin(), word.end(), '-', '_');
  auto ends_with = [&](std::string_view suffix) {
    return word.size() > suffix.size() &&
           word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("ies")) return word.substr(0, word.size() - 3) + "y";
  for (std::string_view suffix : {"sses", "xes", "ches", "shes", "zzes"}) {
    if (ends_with(suffix)) return word.substr(0, word.size() - 2);
  }
  if (ends_with("ss") || ends_with("us") || ends_with("is")) return word;
  if (ends_with("s")) return word.substr(0, word.size() - 1);
  return word;
}

// ---- Router ---------------------------------------------------------------------------------

struct Router::Node {
  std::string folder;      // "" for the root
  std::string param_name;  // "user_id"; "id" for the root
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
  std::map<std::string, const ApiEntry*, std::less<>> actions;
};

namespace {

constexpr std::array<std::string_view, 6> kActions = {"list", "get",   "post",
                                                      "put",  "patch", "delete"};

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace

Router::Router(std::span<const ApiEntry> apis) : root_(std::make_unique<Node>()) {
  root_->param_name = "id";
  for (const auto& entry : apis) {
    if (std::find(kActions.begin(), kActions.end(), entry.action) == kActions.end()) {
      throw ConfigurationError(std::string(entry.source) + ": '" + std::string(entry.action) +
                               "' is not an API action (list, get, post, put, patch, delete)");
    }
    Node* node = root_.get();
    for (auto folder : split(entry.folders)) {
      auto& child = node->children[std::string(folder)];
      if (!child) {
        child = std::make_unique<Node>();
        child->folder = std::string(folder);
        child->param_name = singular_name(folder) + "_id";
      }
      node = child.get();
    }
    auto [it, inserted] = node->actions.emplace(std::string(entry.action), &entry);
    if (!inserted) {
      throw ConfigurationError(std::string(entry.source) + " and " +
                               std::string(it->second->source) + " both claim one route");
    }
  }
  index_templates();
}

// A route as API Gateway names it, precomputed: its literal segments, and for each parameter
// segment the name (and alias) route() would give it and the node whose literal folders win.
struct Router::Template {
  struct Parameter {
    std::size_t segment;
    std::string name;
    std::string alias;
    const Node* owner;
  };
  const ApiEntry* entry = nullptr;
  std::vector<std::string> literals;  // "" where a parameter goes
  std::vector<Parameter> parameters;
};

namespace {

// "GET" + "/users/{userId}/posts" -> "GET /users/{}/posts"; empty when the template holds a
// greedy parameter ({proxy+}) or is not a path at all ($default).
std::string template_key(std::string_view method, std::string_view route_template) {
  if (method == "HEAD") method = "GET";  // HEAD runs the GET route
  if (route_template.empty() || route_template.front() != '/') return {};
  std::string key(method);
  key += ' ';
  for (auto segment : split(route_template)) {
    key += '/';
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      if (segment.find('+') != std::string_view::npos) return {};
      key += "{}";
    } else {
      key += segment;
    }
  }
  if (key.back() == ' ') key += '/';
  return key;
}

}  // namespace

void Router::index_templates() {
  templates_ = std::make_unique<std::unordered_map<std::string, Template>>();
  for (const auto& route : routes()) {
    Template entry;
    entry.entry = route.entry;
    const Node* node = root_.get();
    auto segments = split(route.pattern);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      auto segment = segments[i];
      if (segment.front() == '{') {
        bool innermost = i + 1 == segments.size();
        std::string alias = innermost && node->param_name != "id" ? "id" : "";
        entry.parameters.push_back({i, node->param_name, std::move(alias), node});
        entry.literals.emplace_back();
      } else {
        node = node->children.find(segment)->second.get();
        entry.literals.emplace_back(segment);
      }
    }
    templates_->emplace(template_key(route.method, route.pattern), std::move(entry));
  }
}

std::optional<Router::Match> Router::route_template(std::string_view method,
                                                    std::string_view route_template,
                                                    std::string_view path) const {
  std::string key = template_key(method, route_template);
  if (key.empty()) return std::nullopt;
  auto found = templates_->find(key);
  if (found == templates_->end()) return std::nullopt;
  const Template& entry = found->second;
  auto segments = split(path);
  if (segments.size() != entry.literals.size()) return std::nullopt;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!entry.literals[i].empty() && entry.literals[i] != segments[i]) return std::nullopt;
  }
  Match match;
  match.entry = entry.entry;
  match.path_known = true;
  for (const auto& parameter : entry.parameters) {
    std::string_view value = segments[parameter.segment];
    if (parameter.owner->children.contains(value)) return std::nullopt;  // a literal folder
    match.parameters.add(parameter.name, parameter.alias, std::string(value));
  }
  return match;
}

Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router::Match Router::route(std::string_view method, std::string_view path) const {
  Match match;
  const Node* node = root_.get();
  std::vector<std::pair<const Node*, std::string>> taken;
  bool trailing = false;
  for (auto segment : split(path)) {
    if (auto child = node->children.find(segment); child != node->children.end()) {
      node = child->second.get();
      trailing = false;
      continue;
    }
    if (trailing) return match;  // two parameters in a row: no such path
    taken.emplace_back(node, std::string(segment));
    trailing = true;
  }
  auto action_for = [&](std::string_view m) -> std::string_view {
    if (m == "GET" || m == "HEAD") return trailing ? "get" : "list";
    if (m == "POST") return "post";
    if (m == "PUT") return "put";
    if (m == "PATCH") return "patch";
    if (m == "DELETE") return "delete";
    return {};
  };
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
    if (node->actions.contains(action_for(m))) match.allowed.emplace_back(m);
  }
  if (match.allowed.empty()) return match;
  match.path_known = true;
  match.allowed.emplace_back("OPTIONS");
  std::string_view action = action_for(method);
  auto found = action.empty() ? node->actions.end() : node->actions.find(action);
  if (found == node->actions.end()) return match;
  match.entry = found->second;
  for (std::size_t i = 0; i < taken.size(); ++i) {
    const auto& [owner, value] = taken[i];
    bool innermost = trailing && i + 1 == taken.size();
    std::string alias = innermost && owner->param_name != "id" ? "id" : "";
    match.parameters.add(owner->param_name, alias, value);
  }
  return match;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  struct Frame {
    const Node* node;
    std::string prefix;  // "/users/{user_id}/posts"
  };
  std::vector<Frame> stack{{root_.get(), ""}};
  while (!stack.empty()) {
    Frame frame = std::move(stack.back());
    stack.pop_back();
    const Node* node = frame.node;
    const std::string param = "{id}";
    for (auto action : kActions) {
      auto it = node->actions.find(action);
      if (it == node->actions.end()) continue;
      std::string method = action == "list" || action == "get" ? "GET" : detail::upper(action);
      bool with_id = action != "list" && action != "post";
      std::string pattern = frame.prefix + (with_id ? "/" + param : "");
      out.push_back({method, pattern.empty() ? "/" : pattern, it->second});
    }
    for (auto child = node->children.rbegin(); child != node->children.rend(); ++child) {
      std::string prefix = frame.prefix;
      if (node != root_.get() && !node->actions.empty()) prefix += "/{" + node->param_name + "}";
      prefix += "/" + child->first;
      stack.push_back({child->second.get(), prefix});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RouteInfo& a, const RouteInfo& b) { return a.pattern < b.pattern; });
  return out;
}

}  // namespace aws_helper
