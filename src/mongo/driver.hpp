// The seam under libmongoc: every driver function the MongoDB layer calls, as one table of
// function pointers, and the one RAII handle template for what the driver allocates.
//
// The layer calls driver::api().collection_insert_one(...), never mongoc_* directly. In
// production the table is libmongoc's own functions; a unit test swaps single entries with a
// ScopedApi to make the driver fail the way a server or a network would (a duplicate key, an
// unreachable host, write errors in a bulk reply) and checks the typed error the caller gets,
// no server needed. mongo-cxx-driver does the same with its mocked libmongoc symbols.
//
// Private to the mongo layer (src/mongo): no libmongoc type appears in a public header.
#pragma once

#include <memory>

#include <mongoc/mongoc.h>

namespace aws_helper::mongo::driver {

struct Api {
  // libmongoc itself, its log and its URIs.
  decltype(&mongoc_init) init = &mongoc_init;
  decltype(&mongoc_log_set_handler) log_set_handler = &mongoc_log_set_handler;
  decltype(&mongoc_uri_new_with_error) uri_new_with_error = &mongoc_uri_new_with_error;
  decltype(&mongoc_uri_has_option) uri_has_option = &mongoc_uri_has_option;
  decltype(&mongoc_uri_set_option_as_int32) uri_set_option_as_int32 =
      &mongoc_uri_set_option_as_int32;
  decltype(&mongoc_uri_destroy) uri_destroy = &mongoc_uri_destroy;

  // Client pools and clients.
  decltype(&mongoc_client_pool_new) client_pool_new = &mongoc_client_pool_new;
  decltype(&mongoc_client_pool_set_error_api) client_pool_set_error_api =
      &mongoc_client_pool_set_error_api;
  decltype(&mongoc_client_pool_set_appname) client_pool_set_appname =
      &mongoc_client_pool_set_appname;
  decltype(&mongoc_client_pool_pop) client_pool_pop = &mongoc_client_pool_pop;
  decltype(&mongoc_client_pool_push) client_pool_push = &mongoc_client_pool_push;
  decltype(&mongoc_client_pool_destroy) client_pool_destroy = &mongoc_client_pool_destroy;
  decltype(&mongoc_client_get_collection) client_get_collection = &mongoc_client_get_collection;
  decltype(&mongoc_client_command_with_opts) client_command_with_opts =
      &mongoc_client_command_with_opts;

  // Collections.
  decltype(&mongoc_collection_destroy) collection_destroy = &mongoc_collection_destroy;
  decltype(&mongoc_collection_find_with_opts) collection_find_with_opts =
      &mongoc_collection_find_with_opts;
  decltype(&mongoc_collection_aggregate) collection_aggregate = &mongoc_collection_aggregate;
  decltype(&mongoc_collection_insert_one) collection_insert_one = &mongoc_collection_insert_one;
  decltype(&mongoc_collection_insert_many) collection_insert_many = &mongoc_collection_insert_many;
  decltype(&mongoc_collection_update_one) collection_update_one = &mongoc_collection_update_one;
  decltype(&mongoc_collection_update_many) collection_update_many = &mongoc_collection_update_many;
  decltype(&mongoc_collection_replace_one) collection_replace_one = &mongoc_collection_replace_one;
  decltype(&mongoc_collection_delete_one) collection_delete_one = &mongoc_collection_delete_one;
  decltype(&mongoc_collection_delete_many) collection_delete_many = &mongoc_collection_delete_many;
  decltype(&mongoc_collection_count_documents) collection_count_documents =
      &mongoc_collection_count_documents;
  decltype(&mongoc_collection_find_and_modify_with_opts) collection_find_and_modify_with_opts =
      &mongoc_collection_find_and_modify_with_opts;

  // Cursors.
  decltype(&mongoc_cursor_next) cursor_next = &mongoc_cursor_next;
  decltype(&mongoc_cursor_error) cursor_error = &mongoc_cursor_error;
  decltype(&mongoc_cursor_destroy) cursor_destroy = &mongoc_cursor_destroy;

  // findAndModify options.
  decltype(&mongoc_find_and_modify_opts_new) find_and_modify_opts_new =
      &mongoc_find_and_modify_opts_new;
  decltype(&mongoc_find_and_modify_opts_set_update) find_and_modify_opts_set_update =
      &mongoc_find_and_modify_opts_set_update;
  decltype(&mongoc_find_and_modify_opts_set_flags) find_and_modify_opts_set_flags =
      &mongoc_find_and_modify_opts_set_flags;
  decltype(&mongoc_find_and_modify_opts_set_sort) find_and_modify_opts_set_sort =
      &mongoc_find_and_modify_opts_set_sort;
  decltype(&mongoc_find_and_modify_opts_set_fields) find_and_modify_opts_set_fields =
      &mongoc_find_and_modify_opts_set_fields;
  decltype(&mongoc_find_and_modify_opts_destroy) find_and_modify_opts_destroy =
      &mongoc_find_and_modify_opts_destroy;

  // Bulk writes.
  decltype(&mongoc_collection_create_bulk_operation_with_opts) create_bulk_operation_with_opts =
      &mongoc_collection_create_bulk_operation_with_opts;
  decltype(&mongoc_bulk_operation_insert_with_opts) bulk_operation_insert_with_opts =
      &mongoc_bulk_operation_insert_with_opts;
  decltype(&mongoc_bulk_operation_update_one_with_opts) bulk_operation_update_one_with_opts =
      &mongoc_bulk_operation_update_one_with_opts;
  decltype(&mongoc_bulk_operation_update_many_with_opts) bulk_operation_update_many_with_opts =
      &mongoc_bulk_operation_update_many_with_opts;
  decltype(&mongoc_bulk_operation_replace_one_with_opts) bulk_operation_replace_one_with_opts =
      &mongoc_bulk_operation_replace_one_with_opts;
  decltype(&mongoc_bulk_operation_remove_one_with_opts) bulk_operation_remove_one_with_opts =
      &mongoc_bulk_operation_remove_one_with_opts;
  decltype(&mongoc_bulk_operation_remove_many_with_opts) bulk_operation_remove_many_with_opts =
      &mongoc_bulk_operation_remove_many_with_opts;
  decltype(&mongoc_bulk_operation_execute) bulk_operation_execute = &mongoc_bulk_operation_execute;
  decltype(&mongoc_bulk_operation_destroy) bulk_operation_destroy = &mongoc_bulk_operation_destroy;
};

// The table in use: libmongoc's, unless a ScopedApi replaced it.
[[nodiscard]] const Api& api() noexcept;

// Tests: `replacement` is the table until the scope ends, then the previous one is back. Not for
// concurrent use with operations on other threads (tests install it before they start any).
class ScopedApi {
 public:
  explicit ScopedApi(const Api& replacement) noexcept;
  ~ScopedApi();
  ScopedApi(const ScopedApi&) = delete;
  ScopedApi& operator=(const ScopedApi&) = delete;
  ScopedApi(ScopedApi&&) = delete;
  ScopedApi& operator=(ScopedApi&&) = delete;

 private:
  const Api* previous_;
};

// Frees what the driver allocated through the table's matching destroy function.
template <class T, void (*Api::*Destroy)(T*)>
struct Destroyer {
  void operator()(T* handle) const noexcept {
    if (handle != nullptr) (api().*Destroy)(handle);
  }
};

// The one owning handle for driver objects: Handle<mongoc_cursor_t, &Api::cursor_destroy>.
template <class T, void (*Api::*Destroy)(T*)>
using Handle = std::unique_ptr<T, Destroyer<T, Destroy>>;

using UriHandle = Handle<mongoc_uri_t, &Api::uri_destroy>;
using ClientPoolHandle = Handle<mongoc_client_pool_t, &Api::client_pool_destroy>;
using CollectionHandle = Handle<mongoc_collection_t, &Api::collection_destroy>;
using CursorHandle = Handle<mongoc_cursor_t, &Api::cursor_destroy>;
using BulkHandle = Handle<mongoc_bulk_operation_t, &Api::bulk_operation_destroy>;
using FindAndModifyOptsHandle =
    Handle<mongoc_find_and_modify_opts_t, &Api::find_and_modify_opts_destroy>;

}  // namespace aws_helper::mongo::driver
