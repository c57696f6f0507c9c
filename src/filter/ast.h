#pragma once
// The parsed form of a filter: a tree of and / or / not over checks.
// And and Or nodes are n-ary (a chain `a and b and c` is one node).
#include <memory>
#include <string>
#include <vector>

#include "filter/field_registry.h"
#include "filter/value.h"

namespace vedetta::filter {

enum class CmpOp {
  Exists,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Contains,
  IContains,
  StartsWith,
  EndsWith,
  Glob,
  In,
  PMatch,
};

// The operator as written in a filter ("=" for Eq; "==" is read as Eq too).
const char* op_text(CmpOp op);

// A field as named in the filter: the registry entry plus its argument,
// e.g. proc.aname[2] -> {proc.aname, "2", index 2}; evt.arg.fd -> {evt.arg, "fd"}.
struct FieldRef {
  const FieldInfo* info = nullptr;
  std::string arg;  // "" when none
  bool has_arg = false;
  std::optional<int64_t> index;  // arg as a number, when it is one
  Span span;

  std::string to_string() const;  // as it would be written: proc.aname[2], evt.arg.fd
};

struct Check {
  FieldRef field;
  CmpOp op = CmpOp::Exists;
  std::vector<Constant> values;  // one for comparisons, one or more for in/pmatch
  Span op_span;
};

struct Expr {
  enum class Kind { And, Or, Not, Check };
  Kind kind = Kind::Check;
  std::vector<std::unique_ptr<Expr>> children;  // And/Or: two or more; Not: one
  Check check;                                  // Kind::Check only
  Span span;
};

// Fully parenthesized text of the tree, re-parsable to the same tree:
// "(proc.name = sshd or (not fd.type = ipv4 and evt.num > 3))".
std::string to_string(const Expr& e);

// Quotes a value if it would not read back as the same single word.
std::string quote_value(const std::string& text);

}  // namespace vedetta::filter
