// Header maps: the one type for HTTP headers across the public API (requests and replies of
// the `api` handler, ApiClient, AwsClient, SigV4), and the same container for query parameters.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aws_helper {

namespace detail {
bool iequals(std::string_view a, std::string_view b) noexcept;

// An ordered multimap of text; names compared case-insensitively when CaseInsensitive.
template <bool CaseInsensitive>
class TextMultiMap {
 public:
  using Item = std::pair<std::string, std::string>;

  TextMultiMap() = default;
  // {{"Accept", "application/json"}, {"X-Trace", "1"}}: in order, repeats kept.
  TextMultiMap(std::initializer_list<Item> items) : items_(items) {}

  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every value of `name` with this one.
  void set(std::string name, std::string value) {
    remove(name);
    add(std::move(name), std::move(value));
  }
  void remove(std::string_view name) {
    std::erase_if(items_, [&](const Item& item) { return same(item.first, name); });
  }
  // The first value of `name`.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const {
    for (const auto& [key, value] : items_)
      if (same(key, name)) return value;
    return std::nullopt;
  }
  [[nodiscard]] std::string get_or(std::string_view name, std::string fallback) const {
    auto value = get(name);
    return value ? *value : std::move(fallback);
  }
  [[nodiscard]] std::vector<std::string> get_all(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : items_)
      if (same(key, name)) values.push_back(value);
    return values;
  }
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] const std::vector<Item>& items() const noexcept { return items_; }
  [[nodiscard]] auto begin() const noexcept { return items_.begin(); }
  [[nodiscard]] auto end() const noexcept { return items_.end(); }

 private:
  static bool same(std::string_view a, std::string_view b) {
    if constexpr (CaseInsensitive) {
      return iequals(a, b);
    } else {
      return a == b;
    }
  }
  std::vector<Item> items_;
};
}  // namespace detail

// Header names are case-insensitive everywhere; every value of a repeated header is kept.
using Headers = detail::TextMultiMap<true>;
// Query parameters keep every value of a repeated key (?tag=a&tag=b), in order.
using QueryParameters = detail::TextMultiMap<false>;

}  // namespace aws_helper
