// The documents an operation sends: filters, updates, options, new documents' ids. Shared by
// the collection's operations and bulk writes. Private to the mongo layer.
#pragma once

#include <aws_helper/json.hpp>

#include "document/bson_convert.hpp"

namespace aws_helper::mongo {

// A filter: null (what `{}` gives in C++) means "everything", like an empty object.
[[nodiscard]] BsonPtr filter_bson(const Json& filter);

// An update: operators ({"$set": ...}), or a pipeline (a list of stages), which BSON holds as
// a document keyed "0", "1", ...
[[nodiscard]] BsonPtr update_bson(const Json& update);

// {"upsert": upsert}.
[[nodiscard]] BsonPtr upsert_options(bool upsert);

// The options of a read: maxTimeMS inside an invocation, so the server gives up when the time
// left is spent and a slow query ends with a typed error instead of outliving the invocation.
[[nodiscard]] Json read_options_json();
[[nodiscard]] BsonPtr read_options();

// The document to insert: as given when it has an _id, otherwise with a new ObjectId _id as
// its first field (where MongoDB puts it), so the caller learns the id. ValueError with
// `not_an_object` for anything but an object.
[[nodiscard]] Json with_object_id(const Json& document, const char* not_an_object);

}  // namespace aws_helper::mongo
