// vedetta::filter::parse_filter on bad filters: each error's exact place
// and message.
#include <gtest/gtest.h>

#include "common/user_error.h"
#include "filter/parser.h"

namespace vedetta::filter {
namespace {

struct ErrorCase {
  const char* text;
  int line;
  int column;
  const char* message;
};

FilterError error_of(const std::string& text) {
  auto r = parse_filter(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? FilterError{} : r.error();
}

TEST(FilterParserErrors, ExactPlaceAndMessage) {
  const ErrorCase cases[] = {
      {"proc.name sshd", 1, 11, "expected a comparison operator after 'proc.name', found 'sshd'"},
      {"evt.type=x and proc.nme=y", 1, 16, "unknown field 'proc.nme' (did you mean 'proc.name'?)"},
      {"proc.name =", 1, 12,
       "expected a value for 'proc.name' after '=', found the end of the filter"},
      {"(proc.name = a", 1, 15,
       "expected ')' after 'a', found the end of the filter (to close the '(' at 1:1)"},
      {"proc.name = a)", 1, 14, "')' without a matching '('"},
      {"proc.name = a proc.pid = 1", 1, 15,
       "expected 'and', 'or' or the end of the filter after 'a', found 'proc.pid' (quote values "
       "that contain spaces: \"a b\")"},
      {"proc.name = a b", 1, 15,
       "expected 'and', 'or' or the end of the filter after 'a', found 'b' (quote values that "
       "contain spaces: \"a b\")"},
      {"", 1, 1, "empty filter: give a check such as proc.name = sshd"},
      {"  \n ", 2, 2, "empty filter: give a check such as proc.name = sshd"},
      {"proc.pid = abc", 1, 12, "expected a number for 'proc.pid', found 'abc'"},
      {"proc.pid contains 1", 1, 10,
       "operator 'contains' does not apply to 'proc.pid', which holds a number (use =, !=, <, "
       "<=, >, >=, in or exists)"},
      {"fd.sip < 10.0.0.1", 1, 8,
       "operator '<' does not apply to 'fd.sip', which holds an IP address (use =, !=, in or "
       "exists)"},
      {"fd.sip = 10.0.0.0/8", 1, 10,
       "expected an IP address (for a block, use fd.net = 10.0.0.0/8 or in (...)) for 'fd.sip', "
       "found '10.0.0.0/8'"},
      {"fd.sip in (10.0.0.1, x)", 1, 22,
       "expected an IP address or a CIDR block (10.0.0.0/8) for 'fd.sip', found 'x'"},
      {"fd.net = 10.0.0.1/33", 1, 10,
       "expected a CIDR block such as 10.0.0.0/8 for 'fd.net', found '10.0.0.1/33'"},
      {"evt.failed = yes", 1, 14, "expected true or false for 'evt.failed', found 'yes'"},
      {"evt.is_io glob t*", 1, 11,
       "operator 'glob' does not apply to 'evt.is_io', which holds true/false (use =, !=, in or "
       "exists)"},
      {"proc.name[1] = a", 1, 1, "field 'proc.name' takes no argument"},
      {"proc.aname[x] = a", 1, 1,
       "field 'proc.aname' takes a number as argument, e.g. proc.aname[1], found 'x'"},
      {"evt.arg = 3", 1, 1,
       "field 'evt.arg' needs an argument: evt.arg.NAME or evt.arg[INDEX], "
       "e.g. evt.arg.fd"},
      {"proc.aname[2 = a", 1, 11,
       "malformed field argument in 'proc.aname[2': write name[ARG] with ARG of letters, "
       "digits, '_', '.' or '-', e.g. proc.aname[2]"},
      {"evt.arg[a\x01] = 1", 1, 8,
       "malformed field argument in 'evt.arg[a\x01]': write name[ARG] with ARG of letters, "
       "digits, '_', '.' or '-', e.g. proc.aname[2]"},
      {"proc.name in sshd", 1, 14,
       "expected '(' and a list of values (in (a, b)) after 'in', found 'sshd'"},
      {"proc.name in (a b)", 1, 17, "expected ',' or ')' after 'a', found 'b'"},
      {"proc.name in ()", 1, 15, "expected a value for 'proc.name' after '(', found ')'"},
      {"proc.name in (a,)", 1, 17, "expected a value for 'proc.name' after ',', found ')'"},
      {"and proc.name=a", 1, 1, "expected a field name (such as proc.name) or '(', found 'and'"},
      {"proc.name = a and", 1, 18,
       "expected a field name (such as proc.name) or '(' after 'and', found the end of the filter"},
      {"proc.name = a or or", 1, 18,
       "expected a field name (such as proc.name) or '(' after 'or', found 'or'"},
      {"not", 1, 4,
       "expected a field name (such as proc.name) or '(' after 'not', found the end of the filter"},
      {"proc..name = a", 1, 1,
       "expected a field name (such as proc.name) or '(', found 'proc..name'"},
      {"sshd", 1, 1, "expected a field name (such as proc.name) or '(', found 'sshd'"},
      {"'proc.name' = a", 1, 1,
       "expected a field name (such as proc.name) or '(', found string \"proc.name\""},
      {"proc.name = = a", 1, 13, "expected a value for 'proc.name' after '=', found '='"},
      {"proc.name exists = 1", 1, 18,
       "expected 'and', 'or' or the end of the filter after 'exists', found '='"},
      {"foo.bar = 1", 1, 1, "unknown field 'foo.bar'"},
      {"fd.name = 'a", 1, 11, "unterminated string: no closing '"},
      {"proc.name = sshd and\n  proc.nme = b", 2, 3,
       "unknown field 'proc.nme' (did you mean 'proc.name'?)"},
      {"proc.name=a !proc.pid=1", 1, 13,
       "unexpected '!': write '!=' to compare, or 'not' to negate"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    FilterError e = error_of(c.text);
    EXPECT_EQ(e.message, c.message);
    EXPECT_EQ(e.where.line, c.line);
    EXPECT_EQ(e.where.column, c.column);
  }
}

TEST(FilterParserErrors, RenderedWithPlaceLineAndUnderline) {
  std::string text = "proc.name sshd";
  EXPECT_EQ(render_error(error_of(text), text),
            "filter:1:11: expected a comparison operator after 'proc.name', found 'sshd'\n"
            "proc.name sshd\n"
            "          ~~~~");
  text = "evt.type=x and proc.nme=y";
  EXPECT_EQ(render_error(error_of(text), text),
            "filter:1:16: unknown field 'proc.nme' (did you mean 'proc.name'?)\n"
            "evt.type=x and proc.nme=y\n" +
                std::string(15, ' ') + "~~~~~~~~");
  text = "proc.pid in (1, 'two')";
  EXPECT_EQ(render_error(error_of(text), text),
            "filter:1:17: expected a number for 'proc.pid', found 'two'\n"
            "proc.pid in (1, 'two')\n" +
                std::string(16, ' ') + "~~~~~");
}

TEST(FilterParserErrors, LongTextIsCutInMessages) {
  std::string value(500, 'x');
  FilterError e = error_of("proc.pid = " + value);
  EXPECT_EQ(e.message, "expected a number for 'proc.pid', found '" + std::string(60, 'x') + "...'");
  EXPECT_EQ(e.where.length, 500u);  // the underline still covers it all
  e = error_of("proc.name = a " + value);
  EXPECT_NE(e.message.find("found '" + std::string(60, 'x') + "...'"), std::string::npos);
}

TEST(FilterParserErrors, ThrowingFormForMain) {
  EXPECT_NO_THROW(parse_filter_or_throw("proc.name = sshd"));
  try {
    parse_filter_or_throw("proc.nme = a", "-f");
    FAIL() << "no throw";
  } catch (const UserError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "-f:1:1: unknown field 'proc.nme' (did you mean 'proc.name'?)\nproc.nme = a\n~~~~~~~~");
  }
}

TEST(FilterParserErrors, NestingBeyondTheLimitIsAnError) {
  std::string text = std::string(500, '(') + "proc.name = a" + std::string(500, ')');
  FilterError e = error_of(text);
  EXPECT_EQ(e.where.column, kMaxDepth + 1);
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_NE(error_of(nots + "proc.name = a").message.find("nested too deeply"), std::string::npos);
}

TEST(FilterParserErrors, GarbageNeverCrashes) {
  for (const char* text :
       {"(((", ")))", ",,,", "= = =", "\"", "'\\", "[", "proc.name[", "proc.name[]", "proc.name]",
        "a.b.c.d.e.f = 1", "\x01\x02\xff", "proc.name in (", "proc.name in (a,", "not not not (",
        "evt.arg. = 1", "evt.arg.fd[1] = 1", ".proc.name = 1", "proc.name. = 1"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_filter(text).ok());
  }
}

}  // namespace
}  // namespace vedetta::filter
