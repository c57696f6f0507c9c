#include "filter/evaluator.h"

#include "filter/text_match.h"

namespace vedetta::filter {

namespace {

template <class T>
bool compare(CmpOp op, const T& a, const T& b) {
  switch (op) {
    case CmpOp::Eq:
      return a == b;
    case CmpOp::Ne:
      return a != b;
    case CmpOp::Lt:
      return a < b;
    case CmpOp::Le:
      return a <= b;
    case CmpOp::Gt:
      return a > b;
    case CmpOp::Ge:
      return a >= b;
    default:
      return false;
  }
}

bool is_numeric_op(CmpOp op) {
  return op == CmpOp::Eq || op == CmpOp::Lt || op == CmpOp::Le || op == CmpOp::Gt ||
         op == CmpOp::Ge;
}

// The value as a number, if numbers are how this field compares.
std::optional<int64_t> numeric_view(const FieldValue& v, FieldType type) {
  if (type == FieldType::String) return std::nullopt;
  if (v.kind() == FieldValue::Kind::Number) return v.num();
  if (v.kind() != FieldValue::Kind::String) return std::nullopt;
  if (type == FieldType::Bool) {
    if (v.str() == "true") return 1;
    if (v.str() == "false") return 0;
  }
  if (type == FieldType::Number || type == FieldType::Bool || type == FieldType::Dynamic)
    return parse_integer(v.str());
  return std::nullopt;
}

std::optional<IpAddress> address_view(const FieldValue& v, FieldType type) {
  if (v.kind() == FieldValue::Kind::Ip) return v.ip_address();
  if (v.kind() == FieldValue::Kind::String &&
      (type == FieldType::Ip || type == FieldType::Network || type == FieldType::Dynamic) &&
      v.str().size() <= 64 && v.str().find('\0') == std::string::npos) {
    IpAddress a;
    if (IpAddress::parse(v.str(), a)) return a;
  }
  return std::nullopt;
}

bool text_matches(const std::string& s, CmpOp op, const Constant& c) {
  switch (op) {
    case CmpOp::Contains:
      return s.find(c.text) != std::string::npos;
    case CmpOp::IContains:
      return ascii_lower(s).find(c.lowered) != std::string::npos;
    case CmpOp::StartsWith:
      return s.size() >= c.text.size() && s.compare(0, c.text.size(), c.text) == 0;
    case CmpOp::EndsWith:
      return s.size() >= c.text.size() &&
             s.compare(s.size() - c.text.size(), c.text.size(), c.text) == 0;
    case CmpOp::Glob:
      return glob_match(c.text, s);
    case CmpOp::PMatch:
      return path_prefix_match(c.text, s);
    default:
      return compare(op, s, c.text);
  }
}

// A scalar (not absent, not a list) against one constant; op is not Ne/In.
bool scalar_matches(const FieldValue& v, FieldType type, CmpOp op, const Constant& c) {
  if (is_numeric_op(op) && c.number) {
    if (auto n = numeric_view(v, type)) return compare(op, *n, *c.number);
  }
  if (op == CmpOp::Eq && c.network) {
    if (auto a = address_view(v, type)) return c.network->contains(*a);
  }
  return text_matches(v.to_string(), op, c);
}

bool value_matches(const Check& check, const FieldValue& v) {
  FieldType type = check.field.info->type;
  switch (v.kind()) {
    case FieldValue::Kind::Absent:
      return false;
    case FieldValue::Kind::List:
      if (check.op == CmpOp::Ne) {
        for (const FieldValue& item : v.items())
          if (item.present() && !value_matches(check, item)) return false;
        return !v.items().empty();
      }
      for (const FieldValue& item : v.items())
        if (value_matches(check, item)) return true;
      return false;
    default:
      break;
  }
  switch (check.op) {
    case CmpOp::Exists:
      return true;
    case CmpOp::Ne:
      return !scalar_matches(v, type, CmpOp::Eq, check.values[0]);
    case CmpOp::In:
      for (const Constant& c : check.values)
        if (scalar_matches(v, type, CmpOp::Eq, c)) return true;
      return false;
    case CmpOp::PMatch:
      for (const Constant& c : check.values)
        if (path_prefix_match(c.text, v.to_string())) return true;
      return false;
    default:
      return scalar_matches(v, type, check.op, check.values[0]);
  }
}

}  // namespace

bool check_matches(const Check& check, const FieldValue& value) {
  if (check.op == CmpOp::Exists) return value.present();
  return value_matches(check, value);
}

bool evaluate(const Expr& expr, const FieldSource& source) {
  switch (expr.kind) {
    case Expr::Kind::And:
      for (const auto& child : expr.children)
        if (!evaluate(*child, source)) return false;
      return true;
    case Expr::Kind::Or:
      for (const auto& child : expr.children)
        if (evaluate(*child, source)) return true;
      return false;
    case Expr::Kind::Not:
      return !evaluate(*expr.children[0], source);
    case Expr::Kind::Check:
      return check_matches(expr.check, source.get(expr.check.field));
  }
  return false;
}

bool evaluate(const Filter& filter, const FieldSource& source) {
  return filter.root && evaluate(*filter.root, source);
}

}  // namespace vedetta::filter
