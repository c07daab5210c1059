// The `schema` hook of APIs and Lambdas (the seed's pydantic `schema`).
//
// A handler that returns a Schema from schema() has its data() checked and normalised before
// validate() runs: the schema's validate() returns the data to use (defaults applied, unknown
// keys dropped, values coerced) or throws a ValueError describing every failing field.
#pragma once

#include <aws_helper/json.hpp>

namespace aws_helper {

class Schema {
 public:
  virtual ~Schema() = default;
  // Returns the normalised data or throws ValueError (or a subclass) describing the failure.
  [[nodiscard]] virtual Json validate(const Json& data) const = 0;
};

}  // namespace aws_helper
