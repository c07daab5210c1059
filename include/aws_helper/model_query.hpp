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
// either "filter", "fields", "limit", "skip", or "pipeline"; optionally "database" and
// "service" (Python 1.15)}. The state is validated; the query runs in the state's database, or
// in "database" (checked as a state name is, and against allowed_databases() when declared;
// the collection list applies there too). "service" names the caller: it is logged. The reply is
// the Lambda envelope with the documents converted by the MongoDB JSON conversion (ObjectId as hex,
// dates as ISO 8601).
//
// Safe by default:
//   - only allowed_collections() (an empty list is a configuration error);
//   - a maximum limit (max_limit(), default 1000), also applied when no limit is given (as a
//     final $limit stage for pipelines); a larger limit, or a negative limit or skip, is refused;
//   - pipelines may not write ($out, $merge), run JavaScript ($where, $function, $accumulator,
//     anywhere, filters too), or read a collection outside the list ($lookup, $graphLookup,
//     $unionWith, also inside $facet and nested pipelines);
//   - excluded_fields(collection) never leave: the projection is forced (dropped from an
//     inclusive one, added to an exclusive one), a filter may not test them, a projection
//     there takes only 0/1 (no renaming expressions), and no pipeline may read the collection
//     (neither directly nor through $lookup, $graphLookup or $unionWith);
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
  // Fields of `collection` that never leave, whatever the caller projects (Python 1.15's
  // {"users": {"exclude": ["password"]}} entries of allowed_collections). Dotted paths work.
  [[nodiscard]] virtual std::vector<std::string> excluded_fields(
      const std::string& /*collection*/) const {
    return {};
  }
  // The databases "database" may name; empty (the default): any a state could name.
  [[nodiscard]] virtual std::vector<std::string> allowed_databases() const { return {}; }

  void validate() override;
  Json process() override;

  // The filter with `_id` / `id` coerced (see above); ValueError for a bad value.
  [[nodiscard]] static Json coerce_id_filter(const Json& filter);

  // The projection to run on a collection with `excluded` fields: `fields` (the caller's) with
  // them dropped when inclusive, added as 0 when exclusive; {"_id": 1} when nothing the caller
  // asked for is left. ValueError for a value other than 0/1/true/false, or for a field that
  // holds an excluded one ({"profile": 1} with "profile.ssn" excluded).
  [[nodiscard]] static Json enforce_exclusions(const Json& fields,
                                               const std::vector<std::string>& excluded);

  // Refuses what the pipeline may not do, coerces `_id` in its $match stages, and appends the
  // maximum $limit. Returns the pipeline to run.
  [[nodiscard]] Json checked_pipeline(const Json& pipeline) const;

 private:
  void check_database(const Json& request);
  void check_exclusions(const Json& request, const std::string& collection);

  Json query_;  // the checked payload: collection, database, filter, fields, limit, skip, pipeline
};

}  // namespace aws_helper
