#include "filter/lexer.h"

#include "common/user_error.h"

namespace vedetta::filter {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool ends_word(char c) {
  switch (c) {
    case '(':
    case ')':
    case ',':
    case '\'':
    case '"':
    case '=':
    case '<':
    case '>':
    case '!':
      return true;
    default:
      return is_blank(c);
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Walks the text keeping line and column (in characters) of the cursor.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  bool has(size_t ahead) const { return pos_ + ahead < s_.size(); }
  size_t pos() const { return pos_; }
  void advance() {
    if (done()) return;
    char c = s_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;  // UTF-8 continuation bytes do not start a new column
    }
  }
  Span start() const { return Span{pos_, 0, line_, column_}; }
  Span finish(Span from) const {
    from.length = pos_ - from.offset;
    return from;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

Result<Token> lex_string(Cursor& in) {
  Span start = in.start();
  char quote = in.peek();
  in.advance();
  std::string text;
  while (true) {
    if (in.done()) {
      Span s = start;
      s.length = 1;
      return FilterError{s, format("unterminated string: no closing %c", quote)};
    }
    char c = in.peek();
    if (c == quote) {
      in.advance();
      return Token{TokenKind::String, std::move(text), in.finish(start)};
    }
    if (c != '\\') {
      text += c;
      in.advance();
      continue;
    }
    Span esc = in.start();
    in.advance();
    char e = in.peek();
    if (in.done()) continue;  // reported as unterminated
    switch (e) {
      case '\\':
      case '\'':
      case '"':
        text += e;
        break;
      case 'n':
        text += '\n';
        break;
      case 't':
        text += '\t';
        break;
      case 'r':
        text += '\r';
        break;
      case 'x': {
        int hi = hex_digit(in.peek(1)), lo = hex_digit(in.peek(2));
        if (!in.has(2) || hi < 0 || lo < 0) {
          in.advance();
          return FilterError{in.finish(esc), "'\\x' needs two hex digits, e.g. \\x41"};
        }
        text += static_cast<char>(hi * 16 + lo);
        in.advance();
        in.advance();
        break;
      }
      default: {
        in.advance();
        std::string shown = std::string("\\") + e;
        return FilterError{in.finish(esc),
                           format("unknown escape '%s' in a string (known: \\\\ \\' \\\" \\n \\t "
                                  "\\r \\xHH)",
                                  shown.c_str())};
      }
    }
    in.advance();
  }
}

}  // namespace

Result<std::vector<Token>> lex(std::string_view source) {
  std::vector<Token> out;
  Cursor in(source);
  while (true) {
    while (!in.done() && is_blank(in.peek())) in.advance();
    Span start = in.start();
    if (in.done()) {
      out.push_back(Token{TokenKind::End, "", start});
      return out;
    }
    char c = in.peek();
    if (c == '\'' || c == '"') {
      Result<Token> s = lex_string(in);
      if (!s) return s.error();
      out.push_back(std::move(s.value()));
      continue;
    }
    TokenKind single = c == '('   ? TokenKind::LParen
                       : c == ')' ? TokenKind::RParen
                       : c == ',' ? TokenKind::Comma
                                  : TokenKind::End;
    if (single != TokenKind::End) {
      in.advance();
      out.push_back(Token{single, std::string(1, c), in.finish(start)});
      continue;
    }
    if (c == '=' || c == '<' || c == '>' || c == '!') {
      in.advance();
      if (in.peek() == '=') in.advance();
      Span s = in.finish(start);
      std::string op(source.substr(s.offset, s.length));
      if (op == "!")
        return FilterError{s, "unexpected '!': write '!=' to compare, or 'not' to negate"};
      out.push_back(Token{TokenKind::Op, std::move(op), s});
      continue;
    }
    while (!in.done() && !ends_word(in.peek())) in.advance();
    Span s = in.finish(start);
    out.push_back(Token{TokenKind::Word, std::string(source.substr(s.offset, s.length)), s});
  }
}

std::string excerpt(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::End:
      return "the end of the filter";
    case TokenKind::String:
      return "string \"" + excerpt(token.text) + "\"";
    default:
      return "'" + excerpt(token.text) + "'";
  }
}

}  // namespace vedetta::filter
