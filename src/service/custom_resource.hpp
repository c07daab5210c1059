// A standalone Lambda as a CloudFormation custom resource (the index sync of `bootstrap template
// sam`): the request's ResourceProperties are the Lambda's data, and the outcome is PUT to the
// request's ResponseURL as CloudFormation's custom resource protocol asks, so a failed run fails
// the deploy instead of leaving it waiting for an hour.
#pragma once

#include <functional>

#include <aws_helper/json.hpp>

namespace aws_helper::detail {

// RequestType, ResponseURL, StackId, RequestId and LogicalResourceId are all strings.
[[nodiscard]] bool is_custom_resource_request(const Json& event);

// Create and Update run `run` on {"data": ResourceProperties without ServiceToken}; Delete
// does not run it (a stack's removal never syncs anything) and succeeds. The reply is PUT to
// the ResponseURL: SUCCESS with the envelope's data as Data when it fits CloudFormation's
// 4 KB, FAILED with the error as Reason. Returns the envelope (or a Delete's {"success": true}).
[[nodiscard]] Json run_custom_resource(const Json& event,
                                       const std::function<Json(const Json&)>& run);

}  // namespace aws_helper::detail
