#pragma once
// The invocation's deadline for the AWS clients and DynamORM: lift::InvocationDeadline and
// lift::call_deadline (lift/core/deadline.hpp) under the names the aws layer has always used.

#include "lift/core/deadline.hpp"

namespace lift::aws {

using lift::call_deadline;
using lift::InvocationDeadline;

}  // namespace lift::aws
