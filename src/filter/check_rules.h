#pragma once
// What makes a check well-typed, decided at parse time: the field's
// argument, the operator for the field's type, and each value for the
// field (a number for proc.pid, an address for fd.sip, a CIDR block for
// fd.net, true/false for evt.failed). Each returns the error, if any.
#include <optional>

#include "filter/ast.h"

namespace vedetta::filter {

std::optional<FilterError> check_field_arg(FieldRef& field);
std::optional<FilterError> check_operator(const FieldRef& field, CmpOp op, const Span& where);
// May fill in the constant's reading (true/false -> 1/0 for booleans).
std::optional<FilterError> check_value(const FieldRef& field, CmpOp op, Constant& value);

}  // namespace vedetta::filter
