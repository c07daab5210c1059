// What a Cursor holds, and how the collection's reads open one. Private to the mongo layer.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <aws_helper/mongo.hpp>

#include "mongo/client_pool.hpp"
#include "mongo/driver.hpp"

namespace aws_helper::detail {

// An open cursor keeps its client until it is destroyed. Members are destroyed in reverse
// order: the cursor, then the collection, then the lease that returns the client.
struct CursorState {
  std::unique_ptr<Lease> lease;
  mongo::driver::CollectionHandle collection;
  mongo::driver::CursorHandle cursor;
};

// Borrows a client, opens `database`.`name` and hands the collection to `open` for the cursor
// (find, aggregate).
[[nodiscard]] Cursor open_cursor(const std::shared_ptr<Pool>& pool, const std::string& database,
                                 const std::string& name,
                                 const std::function<mongoc_cursor_t*(mongoc_collection_t*)>& open);

}  // namespace aws_helper::detail
