#pragma once
// Splits a filter into tokens. Words are maximal runs of characters other
// than blanks, quotes, parentheses, commas and the comparison characters
// = < > !, so fields (proc.aname[2]), bare values (sshd, 10.0.0.0/8, ::1,
// /etc/*.conf) and keywords (and, contains, in) are all words; the parser
// tells them apart by position. Quoted strings use '..' or ".." with the
// escapes \\ \' \" \n \t \r \xHH.
#include <string>
#include <string_view>
#include <vector>

#include "filter/result.h"

namespace vedetta::filter {

enum class TokenKind { Word, String, Op, LParen, RParen, Comma, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // as written; for strings, the decoded contents
  Span span;         // for strings, includes the quotes
};

// Fails on an unterminated string, an unknown escape or a lone '!'.
Result<std::vector<Token>> lex(std::string_view source);

// How a token reads in an error message: 'sshd', string "a b", end of filter.
std::string describe(const Token& token);

// Text for an error message, cut to about `max` bytes (on a character
// boundary) with "..." so a huge token does not drown the message.
std::string excerpt(std::string_view text, size_t max = 60);

}  // namespace vedetta::filter
