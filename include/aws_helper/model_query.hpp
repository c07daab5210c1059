// ModelQueryLambda: read access to one service's collections for the other services, safe by
// default.
//
//   // src/lambda/model-query/main.cpp: the generated name is ::ModelQueryLambda, and the base
//   // class is aws_helper::ModelQueryLambda, as in the Python framework.
//   class ModelQueryLambda : public aws_helper::ModelQueryLambda {
//    public:
//     std::vector<std::string> allowed_collections() const override { return {"orders",
//     "customers"}; }
//   };
//
// Payload (top level, as the seed): {"session": {"state": ...}, "collection": "orders", and
// either "filter", "fields", "limit", "skip", or "pipeline"}. The state is validated; the query
// runs in the state's database. The reply is the Lambda envelope with the documents converted
// by the MongoDB JSON conversion (ObjectId as hex, dates as ISO 8601).
//
// Safe by default:
//   - only allowed_collections() (an empty list is a configuration error);
//   - a maximum limit (max_limit(), default 1000), also applied when no limit is given (as a
//     final $limit stage for pipelines); a larger limit, or a negative limit or skip, is refused;
//   - pipelines may not write ($out, $merge), run JavaScript ($where, $function, $accumulator,
//     anywhere, filters too), or read a collection outside the list ($lookup, $graphLookup,
//     $unionWith, also inside $facet and nested pipelines);
//   - `_id` (or its alias `id`) given as hex text is turned into an ObjectId: a string, the
//     scalar of $eq $ne $gt $gte $lt $lte, each element of $in / $nin; at the top level of
//     `filter` and of each $match, and inside $and, $or, $nor.
// Every refusal is a ValueError envelope naming the stage, operator or field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <aws_helper/lambda.hpp>

namespace aws_helper {

class ModelQueryLambda : public Lambda {
 public:
  // The collections other services may read. Empty: every query is refused.
  [[nodiscard]] virtual std::vector<std::string> allowed_collections() const = 0;
  [[nodiscard]] virtual std::int64_t max_limit() const { return 1000; }

  void validate() override;
  Json process() override;

  // The filter with `_id` / `id` coerced (see above); ValueError for a bad value.
  [[nodiscard]] static Json coerce_id_filter(const Json& filter);

  // Refuses what the pipeline may not do, coerces `_id` in its $match stages, and appends the
  // maximum $limit. Returns the pipeline to run.
  [[nodiscard]] Json checked_pipeline(const Json& pipeline) const;

 private:
  Json query_;  // the checked payload: collection, filter, fields, limit, skip, pipeline
};

}  // namespace aws_helper
