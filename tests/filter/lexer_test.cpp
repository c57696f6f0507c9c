// vedetta::filter::lex: words, operators, strings, places.
#include "filter/lexer.h"

#include <gtest/gtest.h>

namespace vedetta::filter {
namespace {

std::vector<Token> tokens(std::string_view text) {
  auto r = lex(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::vector<Token>{};
}

std::vector<std::string> texts(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : tokens(text)) out.push_back(t.text);
  return out;
}

FilterError error_of(std::string_view text) {
  auto r = lex(text);
  EXPECT_FALSE(r.ok());
  return r.ok() ? FilterError{} : r.error();
}

using V = std::vector<std::string>;

TEST(FilterLexer, SplitsWordsAtOperatorsAndParens) {
  EXPECT_EQ(texts("proc.name=sshd"), (V{"proc.name", "=", "sshd", ""}));
  EXPECT_EQ(texts("a==b a!=b a<b a<=b a>b a>=b"),
            (V{"a", "==", "b", "a", "!=", "b", "a", "<", "b", "a", "<=", "b", "a", ">", "b", "a",
               ">=", "b", ""}));
  EXPECT_EQ(texts("(evt.type in (open,openat))"),
            (V{"(", "evt.type", "in", "(", "open", ",", "openat", ")", ")", ""}));
}

TEST(FilterLexer, WordsKeepPathsAddressesGlobsAndFieldArgs) {
  EXPECT_EQ(texts("fd.name pmatch (/etc/ssh, /var/log)"),
            (V{"fd.name", "pmatch", "(", "/etc/ssh", ",", "/var/log", ")", ""}));
  EXPECT_EQ(texts("fd.net=10.0.0.0/8 or fd.sip=::1"),
            (V{"fd.net", "=", "10.0.0.0/8", "or", "fd.sip", "=", "::1", ""}));
  EXPECT_EQ(texts("proc.aname[2] glob [a-z]*.sh"), (V{"proc.aname[2]", "glob", "[a-z]*.sh", ""}));
  EXPECT_EQ(texts("evt.res<-1"), (V{"evt.res", "<", "-1", ""}));
}

TEST(FilterLexer, Kinds) {
  auto t = tokens("a = 'x' ( , )");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, TokenKind::Word);
  EXPECT_EQ(t[1].kind, TokenKind::Op);
  EXPECT_EQ(t[2].kind, TokenKind::String);
  EXPECT_EQ(t[3].kind, TokenKind::LParen);
  EXPECT_EQ(t[4].kind, TokenKind::Comma);
  EXPECT_EQ(t[5].kind, TokenKind::RParen);
  EXPECT_EQ(t[6].kind, TokenKind::End);
}

TEST(FilterLexer, StringsAndEscapes) {
  EXPECT_EQ(texts(R"('single' "double" 'it''s')"), (V{"single", "double", "it", "s", ""}));
  EXPECT_EQ(texts(R"("a \"q\" \\ \n\t\r" 'don\'t' "\x41\x7a")"),
            (V{"a \"q\" \\ \n\t\r", "don't", "Az", ""}));
  EXPECT_EQ(texts(R"("a (b, c) = d")"), (V{"a (b, c) = d", ""}));
  EXPECT_EQ(texts("''"), (V{"", ""}));
}

TEST(FilterLexer, PlacesAreLineAndColumn) {
  auto t = tokens("proc.name = sshd\n  and fd.num >= 3");
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[2].span.offset, 12u);
  EXPECT_EQ(t[2].span.length, 4u);
  EXPECT_EQ(t[2].span.line, 1);
  EXPECT_EQ(t[2].span.column, 13);
  EXPECT_EQ(t[3].text, "and");
  EXPECT_EQ(t[3].span.line, 2);
  EXPECT_EQ(t[3].span.column, 3);
  EXPECT_EQ(t[5].span.column, 14);
  EXPECT_EQ(t[5].span.length, 2u);
  EXPECT_EQ(t[7].kind, TokenKind::End);
  EXPECT_EQ(t[7].span.column, 18);
}

TEST(FilterLexer, ColumnsCountCharactersNotBytes) {
  auto t = tokens("proc.name = 'né' and x");
  ASSERT_GE(t.size(), 4u);
  EXPECT_EQ(t[2].span.length, 5u);  // bytes, quotes included
  EXPECT_EQ(t[3].span.column, 18);
}

TEST(FilterLexer, StringSpanIncludesQuotes) {
  auto t = tokens("a = \"b c\"");
  EXPECT_EQ(t[2].span.column, 5);
  EXPECT_EQ(t[2].span.length, 5u);
}

TEST(FilterLexer, UnterminatedStringPointsAtItsQuote) {
  FilterError e = error_of("proc.name = 'ssh");
  EXPECT_EQ(e.where.column, 13);
  EXPECT_EQ(e.message, "unterminated string: no closing '");
  EXPECT_EQ(error_of("a = \"x\\\"").where.column, 5);  // escaped quote does not close
}

TEST(FilterLexer, BadEscapes) {
  FilterError e = error_of(R"(a = "x\qy")");
  EXPECT_EQ(e.where.column, 7);
  EXPECT_EQ(e.where.length, 2u);
  EXPECT_NE(e.message.find("unknown escape '\\q'"), std::string::npos) << e.message;
  EXPECT_EQ(error_of(R"(a = "\x4")").where.column, 6);
  EXPECT_NE(error_of(R"(a = "\xZZ")").message.find("two hex digits"), std::string::npos);
}

TEST(FilterLexer, LoneBangIsAnError) {
  FilterError e = error_of("! proc.name = a");
  EXPECT_EQ(e.where.column, 1);
  EXPECT_NE(e.message.find("'not'"), std::string::npos);
}

TEST(FilterLexer, DescribeTokens) {
  auto t = tokens("sshd 'a b'");
  EXPECT_EQ(describe(t[0]), "'sshd'");
  EXPECT_EQ(describe(t[1]), "string \"a b\"");
  EXPECT_EQ(describe(t[2]), "the end of the filter");
}

}  // namespace
}  // namespace vedetta::filter
