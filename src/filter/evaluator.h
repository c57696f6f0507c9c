#pragma once
// Runs a parsed filter against one event. Where the event comes from (a
// .scap file, the live BPF capture, a test) is behind FieldSource.
//
// Semantics:
//  - a check on a field the event does not have is false, whatever the
//    operator ('!=' included); only 'exists' tells presence;
//  - numbers compare as numbers when both sides are numbers (the field is a
//    number, a boolean or an event argument, and the value reads as an
//    integer); text fields (proc.name, evt.type, ...) always compare as text;
//  - an address compares with '=' to an address, and with 'in' or a
//    network field (fd.net) to CIDR blocks;
//  - a list value (proc.aname without an index) matches if any item does;
//    '!=' on a list holds if no item equals the value;
//  - 'in' is '=' against any listed value; 'pmatch' is a path-prefix match
//    against any listed prefix; 'glob' is a shell glob over the whole text.
#include "filter/ast.h"
#include "filter/parser.h"
#include "filter/value.h"

namespace vedetta::filter {

class FieldSource {
 public:
  virtual ~FieldSource() = default;
  // The field's value in the current event, absent if it has none. Fields
  // that stand for either side (fd.ip, fd.port, fd.net) return a list of
  // both; proc.aname / proc.apid without an index, the list of ancestors.
  // Switch on field.info->id; field.arg / field.index carry the argument.
  virtual FieldValue get(const FieldRef& field) const = 0;
};

bool evaluate(const Expr& expr, const FieldSource& source);
bool evaluate(const Filter& filter, const FieldSource& source);

// One check against one value (exposed for tests and for callers that
// already hold the value).
bool check_matches(const Check& check, const FieldValue& value);

}  // namespace vedetta::filter
