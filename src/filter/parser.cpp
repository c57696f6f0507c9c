#include "filter/parser.h"

#include <array>
#include <utility>

#include "common/user_error.h"
#include "filter/check_rules.h"
#include "filter/lexer.h"

namespace vedetta::filter {

namespace {

struct OpWord {
  const char* text;
  CmpOp op;
};

constexpr std::array<OpWord, 14> kOps = {{
    {"=", CmpOp::Eq},
    {"==", CmpOp::Eq},
    {"!=", CmpOp::Ne},
    {"<", CmpOp::Lt},
    {"<=", CmpOp::Le},
    {">", CmpOp::Gt},
    {">=", CmpOp::Ge},
    {"contains", CmpOp::Contains},
    {"icontains", CmpOp::IContains},
    {"startswith", CmpOp::StartsWith},
    {"endswith", CmpOp::EndsWith},
    {"glob", CmpOp::Glob},
    {"in", CmpOp::In},
    {"pmatch", CmpOp::PMatch},
}};

std::optional<CmpOp> find_op(const Token& t) {
  if (t.kind != TokenKind::Op && t.kind != TokenKind::Word) return std::nullopt;
  for (const OpWord& w : kOps)
    if (t.text == w.text) return w.op;
  return std::nullopt;
}

bool is_keyword(const Token& t, const char* word) {
  return t.kind == TokenKind::Word && t.text == word;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// name('.'name)+ : at least two non-empty parts of [A-Za-z0-9_].
bool is_dotted_name(std::string_view s) {
  size_t parts = 1, run = 0;
  for (char c : s) {
    if (c == '.') {
      if (run == 0) return false;
      ++parts;
      run = 0;
    } else if (is_name_char(c)) {
      ++run;
    } else {
      return false;
    }
  }
  return parts >= 2 && run > 0;
}

// Part of a one-line word token: `from` bytes in, `length` bytes long.
Span sub_span(const Span& s, std::string_view word, size_t from, size_t length) {
  int column = s.column;
  for (size_t i = 0; i < from && i < word.size(); ++i)
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) ++column;
  return Span{s.offset + from, length, s.line, column};
}

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens)
      : source_(source), tokens_(std::move(tokens)) {}

  Result<std::unique_ptr<Expr>> parse() {
    if (peek().kind == TokenKind::End)
      return FilterError{peek().span, "empty filter: give a check such as proc.name = sshd"};
    auto e = parse_or(0);
    if (!e) return e;
    const Token& t = peek();
    if (t.kind == TokenKind::End) return e;
    if (t.kind == TokenKind::RParen) return FilterError{t.span, "')' without a matching '('"};
    std::string hint = t.kind == TokenKind::Word && !find_op(t)
                           ? " (quote values that contain spaces: \"a b\")"
                           : "";
    return FilterError{t.span,
                       format("expected 'and', 'or' or the end of the filter after %s, "
                              "found %s%s",
                              describe(previous()).c_str(), describe(t).c_str(), hint.c_str())};
  }

 private:
  using ExprResult = Result<std::unique_ptr<Expr>>;

  const Token& peek() const { return tokens_[pos_]; }
  const Token& previous() const { return tokens_[pos_ == 0 ? 0 : pos_ - 1]; }
  const Token& take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  FilterError expected(const std::string& what) const {
    std::string after = pos_ == 0 ? "" : " after " + describe(previous());
    return FilterError{peek().span, format("expected %s%s, found %s", what.c_str(), after.c_str(),
                                           describe(peek()).c_str())};
  }

  static Span join(const Span& a, const Span& b) {
    Span s = a;
    s.length = b.offset + b.length - a.offset;
    return s;
  }

  ExprResult parse_chain(int depth, Expr::Kind kind, const char* word) {
    bool is_or = kind == Expr::Kind::Or;
    auto first = is_or ? parse_chain(depth, Expr::Kind::And, "and") : parse_not(depth);
    if (!first || !is_keyword(peek(), word)) return first;
    auto node = std::make_unique<Expr>();
    node->kind = kind;
    node->span = first.value()->span;
    node->children.push_back(std::move(first.value()));
    while (is_keyword(peek(), word)) {
      take();
      auto next = is_or ? parse_chain(depth, Expr::Kind::And, "and") : parse_not(depth);
      if (!next) return next;
      node->span = join(node->span, next.value()->span);
      node->children.push_back(std::move(next.value()));
    }
    return node;
  }

  ExprResult parse_or(int depth) { return parse_chain(depth, Expr::Kind::Or, "or"); }

  ExprResult parse_not(int depth) {
    if (++depth > kMaxDepth)
      return FilterError{peek().span, format("filter nested too deeply (more than %d levels of "
                                             "parentheses and 'not')",
                                             kMaxDepth)};
    if (is_keyword(peek(), "not")) {
      Span start = take().span;
      auto inner = parse_not(depth);
      if (!inner) return inner;
      auto node = std::make_unique<Expr>();
      node->kind = Expr::Kind::Not;
      node->span = join(start, inner.value()->span);
      node->children.push_back(std::move(inner.value()));
      return node;
    }
    if (peek().kind == TokenKind::LParen) {
      const Token& open = take();
      Span open_span = open.span;
      auto inner = parse_or(depth);
      if (!inner) return inner;
      if (peek().kind != TokenKind::RParen) {
        FilterError e = expected("')'");
        e.message += format(" (to close the '(' at %d:%d)", open_span.line, open_span.column);
        return e;
      }
      inner.value()->span = join(open_span, take().span);
      return inner;
    }
    return parse_check();
  }

  Result<FieldRef> parse_field(const Token& t) {
    if (t.kind != TokenKind::Word || is_keyword(t, "and") || is_keyword(t, "or") || find_op(t) ||
        is_keyword(t, "exists"))
      return expected("a field name (such as proc.name) or '('");
    std::string_view word = t.text;
    std::string_view base = word;
    FieldRef ref;
    ref.span = t.span;
    if (size_t open = word.find('['); open != std::string_view::npos) {
      base = word.substr(0, open);
      size_t close = word.find(']', open);
      std::string_view arg =
          close == std::string_view::npos ? "" : word.substr(open + 1, close - open - 1);
      bool arg_ok = !arg.empty();
      for (char c : arg) arg_ok = arg_ok && (is_name_char(c) || c == '.' || c == '-');
      if (close == std::string_view::npos || close + 1 != word.size() || !arg_ok)
        return FilterError{sub_span(t.span, word, open, word.size() - open),
                           format("malformed field argument in '%s': write name[ARG] with ARG "
                                  "of letters, digits, '_', '.' or '-', e.g. proc.aname[2]",
                                  excerpt(t.text).c_str())};
      ref.arg = std::string(word.substr(open + 1, close - open - 1));
      ref.has_arg = true;
    }
    if (!is_dotted_name(base))
      return FilterError{t.span, format("expected a field name (such as proc.name) or '(', "
                                        "found '%s'",
                                        excerpt(t.text).c_str())};
    ref.info = find_field(base);
    if (!ref.info) {
      // evt.arg.NAME: the argument after the registry name.
      size_t second_dot = base.find('.', base.find('.') + 1);
      if (second_dot != std::string_view::npos) {
        const FieldInfo* f = find_field(base.substr(0, second_dot));
        if (f && f->arg == FieldArg::Name && !ref.has_arg) {
          ref.info = f;
          ref.arg = std::string(base.substr(second_dot + 1));
          ref.has_arg = true;
        }
      }
    }
    if (!ref.info) {
      std::string msg = format("unknown field '%s'", excerpt(base).c_str());
      if (const FieldInfo* near = closest_field(base))
        msg += format(" (did you mean '%s'?)", near->name);
      return FilterError{sub_span(t.span, word, 0, base.size()), msg};
    }
    if (auto e = check_field_arg(ref)) return *e;
    return ref;
  }

  ExprResult parse_check() {
    auto field = parse_field(peek());
    if (!field) return field.error();
    take();
    auto node = std::make_unique<Expr>();
    node->kind = Expr::Kind::Check;
    Check& c = node->check;
    c.field = std::move(field.value());
    std::string field_text = previous().text;
    Span last = previous().span;

    if (is_keyword(peek(), "exists")) {
      c.op = CmpOp::Exists;
      c.op_span = take().span;
      node->span = join(c.field.span, c.op_span);
      return node;
    }
    std::optional<CmpOp> op = find_op(peek());
    if (!op)
      return FilterError{peek().span, format("expected a comparison operator after '%s', found %s",
                                             field_text.c_str(), describe(peek()).c_str())};
    c.op = *op;
    c.op_span = take().span;
    if (auto e = check_operator(c.field, c.op, c.op_span)) return *e;

    if (c.op == CmpOp::In || c.op == CmpOp::PMatch) {
      if (peek().kind != TokenKind::LParen)
        return expected(format("'(' and a list of values (%s (a, b))", op_text(c.op)));
      take();
      while (true) {
        auto v = parse_value(c);
        if (!v) return v.error();
        c.values.push_back(std::move(v.value()));
        if (peek().kind == TokenKind::Comma) {
          take();
          continue;
        }
        if (peek().kind != TokenKind::RParen) return expected("',' or ')'");
        last = take().span;
        break;
      }
    } else {
      auto v = parse_value(c);
      if (!v) return v.error();
      last = v.value().span;
      c.values.push_back(std::move(v.value()));
    }
    node->span = join(c.field.span, last);
    return node;
  }

  Result<Constant> parse_value(const Check& c) {
    const Token& t = peek();
    // evt.dir's values are the bare words '>' and '<' (evt.dir = >).
    bool direction = t.kind == TokenKind::Op && (t.text == ">" || t.text == "<");
    if (t.kind != TokenKind::Word && t.kind != TokenKind::String && !direction)
      return expected(format("a value for '%s'", c.field.to_string().c_str()));
    Constant v = Constant::make(t.text, t.span, t.kind == TokenKind::String);
    if (auto e = check_value(c.field, c.op, v)) return *e;
    take();
    return v;
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<Filter> parse_filter(std::string_view text) {
  auto tokens = lex(text);
  if (!tokens) return tokens.error();
  Parser parser(text, std::move(tokens.value()));
  auto root = parser.parse();
  if (!root) return root.error();
  return Filter{std::string(text), std::move(root.value())};
}

Filter parse_filter_or_throw(std::string_view text, std::string_view origin) {
  auto parsed = parse_filter(text);
  if (!parsed) throw UserError(render_error(parsed.error(), text, origin));
  return std::move(parsed.value());
}

}  // namespace vedetta::filter
