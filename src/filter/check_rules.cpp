#include "filter/check_rules.h"

#include "common/user_error.h"
#include "filter/lexer.h"

namespace vedetta::filter {

namespace {

bool is_ordering(CmpOp op) {
  return op == CmpOp::Lt || op == CmpOp::Le || op == CmpOp::Gt || op == CmpOp::Ge;
}

bool is_text_op(CmpOp op) {
  return op == CmpOp::Contains || op == CmpOp::IContains || op == CmpOp::StartsWith ||
         op == CmpOp::EndsWith || op == CmpOp::Glob || op == CmpOp::PMatch;
}

}  // namespace

std::optional<FilterError> check_field_arg(FieldRef& field) {
  const FieldInfo& f = *field.info;
  if (field.has_arg) field.index = parse_integer(field.arg);
  switch (f.arg) {
    case FieldArg::None:
      if (field.has_arg)
        return FilterError{field.span, format("field '%s' takes no argument", f.name)};
      return std::nullopt;
    case FieldArg::OptionalIndex:
      if (field.has_arg && (!field.index || *field.index < 0))
        return FilterError{field.span, format("field '%s' takes a number as argument, e.g. "
                                              "%s[1], found '%s'",
                                              f.name, f.name, excerpt(field.arg).c_str())};
      return std::nullopt;
    case FieldArg::Name:
      if (!field.has_arg)
        return FilterError{field.span, format("field '%s' needs an argument: %s.NAME or "
                                              "%s[INDEX], e.g. %s.fd",
                                              f.name, f.name, f.name, f.name)};
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<FilterError> check_operator(const FieldRef& field, CmpOp op, const Span& where) {
  FieldType t = field.info->type;
  if (t == FieldType::String || t == FieldType::Dynamic) return std::nullopt;
  bool ok = !is_text_op(op) && (t == FieldType::Number || !is_ordering(op));
  if (ok) return std::nullopt;
  const char* allowed =
      t == FieldType::Number ? "=, !=, <, <=, >, >=, in or exists" : "=, !=, in or exists";
  return FilterError{where, format("operator '%s' does not apply to '%s', which holds %s "
                                   "(use %s)",
                                   op_text(op), field.to_string().c_str(),
                                   std::string(type_name(t)).c_str(), allowed)};
}

std::optional<FilterError> check_value(const FieldRef& field, CmpOp op, Constant& value) {
  const std::string name = field.to_string();
  auto fail = [&](const char* wanted) {
    return FilterError{value.span, format("expected %s for '%s', found '%s'", wanted, name.c_str(),
                                          excerpt(value.text).c_str())};
  };
  switch (field.info->type) {
    case FieldType::String:
    case FieldType::Dynamic:
      return std::nullopt;
    case FieldType::Number:
      if (!value.number) return fail("a number");
      return std::nullopt;
    case FieldType::Bool:
      if (value.text == "true") value.number = 1;
      if (value.text == "false") value.number = 0;
      if (!value.number || (*value.number != 0 && *value.number != 1)) return fail("true or false");
      return std::nullopt;
    case FieldType::Ip:
      if (op == CmpOp::In) {
        if (!value.network) return fail("an IP address or a CIDR block (10.0.0.0/8)");
      } else if (!value.ip) {
        return fail("an IP address (for a block, use fd.net = 10.0.0.0/8 or in (...))");
      }
      return std::nullopt;
    case FieldType::Network:
      if (!value.network) return fail("a CIDR block such as 10.0.0.0/8");
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace vedetta::filter
