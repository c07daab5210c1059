#include <aws_helper/mongo.hpp>

#include "document/bson_convert.hpp"
#include "mongo/cursor_state.hpp"
#include "mongo/error_mapping.hpp"

namespace aws_helper {

namespace detail {

Cursor open_cursor(const std::shared_ptr<Pool>& pool, const std::string& database,
                   const std::string& name,
                   const std::function<mongoc_cursor_t*(mongoc_collection_t*)>& open) {
  auto state = std::make_unique<CursorState>();
  state->lease = std::make_unique<Lease>(pool);
  state->collection = state->lease->collection(database, name);
  state->cursor.reset(open(state->collection.get()));
  return Cursor(std::move(state));
}

}  // namespace detail

Cursor::Cursor(std::unique_ptr<detail::CursorState> state) : state_(std::move(state)) {}
Cursor::~Cursor() = default;
Cursor::Cursor(Cursor&&) noexcept = default;
Cursor& Cursor::operator=(Cursor&&) noexcept = default;

std::optional<Json> Cursor::next() {
  if (!state_ || !state_->cursor) return std::nullopt;
  const auto& api = mongo::driver::api();
  const bson_t* doc = nullptr;
  if (api.cursor_next(state_->cursor.get(), &doc)) return mongo::from_bson(*doc);
  bson_error_t error;
  if (api.cursor_error(state_->cursor.get(), &error)) mongo::raise(error);
  return std::nullopt;
}

std::vector<Json> Cursor::to_list(std::size_t max) {
  std::vector<Json> out;
  while (max == 0 || out.size() < max) {
    auto doc = next();
    if (!doc) break;
    out.push_back(std::move(*doc));
  }
  return out;
}

}  // namespace aws_helper
