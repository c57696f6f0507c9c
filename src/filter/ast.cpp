#include "filter/ast.h"

namespace vedetta::filter {

const char* op_text(CmpOp op) {
  switch (op) {
    case CmpOp::Exists:
      return "exists";
    case CmpOp::Eq:
      return "=";
    case CmpOp::Ne:
      return "!=";
    case CmpOp::Lt:
      return "<";
    case CmpOp::Le:
      return "<=";
    case CmpOp::Gt:
      return ">";
    case CmpOp::Ge:
      return ">=";
    case CmpOp::Contains:
      return "contains";
    case CmpOp::IContains:
      return "icontains";
    case CmpOp::StartsWith:
      return "startswith";
    case CmpOp::EndsWith:
      return "endswith";
    case CmpOp::Glob:
      return "glob";
    case CmpOp::In:
      return "in";
    case CmpOp::PMatch:
      return "pmatch";
  }
  return "?";
}

std::string FieldRef::to_string() const {
  std::string out = info ? info->name : "?";
  if (!has_arg) return out;
  // evt.arg.fd when the argument reads back as part of a dotted name.
  bool dotted = !arg.empty() && arg.front() != '.' && arg.back() != '.' &&
                arg.find("..") == std::string::npos;
  for (char c : arg)
    dotted = dotted && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.');
  if (info && info->arg == FieldArg::Name && !index && dotted) return out + "." + arg;
  return out + "[" + arg + "]";
}

std::string quote_value(const std::string& text) {
  bool bare = !text.empty();
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '(' || c == ')' || c == ',' || c == '\'' || c == '"' ||
        c == '=' || c == '<' || c == '>' || c == '!' || c == '\\')
      bare = false;
  }
  if (bare) return text;
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string to_string(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Not:
      return "not " + to_string(*e.children[0]);
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      std::string out = "(";
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) out += e.kind == Expr::Kind::And ? " and " : " or ";
        out += to_string(*e.children[i]);
      }
      return out + ")";
    }
    case Expr::Kind::Check: {
      const Check& c = e.check;
      std::string out = c.field.to_string() + " " + op_text(c.op);
      if (c.op == CmpOp::Exists) return out;
      if (c.op == CmpOp::In || c.op == CmpOp::PMatch) {
        out += " (";
        for (size_t i = 0; i < c.values.size(); ++i) {
          if (i) out += ", ";
          out += quote_value(c.values[i].text);
        }
        return out + ")";
      }
      return out + " " + quote_value(c.values[0].text);
    }
  }
  return "";
}

}  // namespace vedetta::filter
