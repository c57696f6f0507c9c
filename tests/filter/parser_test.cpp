// vedetta::filter::parse_filter: grammar, precedence, fields and values.
#include "filter/parser.h"

#include <gtest/gtest.h>

namespace vedetta::filter {
namespace {

Filter parsed(const std::string& text) {
  auto r = parse_filter(text);
  EXPECT_TRUE(r.ok()) << text << "\n" << (r.ok() ? "" : render_error(r.error(), text));
  if (!r.ok()) return Filter{};
  return std::move(r.value());
}

std::string tree(const std::string& text) {
  Filter f = parsed(text);
  return f.root ? to_string(*f.root) : "<error>";
}

const Check& only_check(const Filter& f) {
  static const Check kNone;
  if (!f.root || f.root->kind != Expr::Kind::Check) {
    ADD_FAILURE() << "not a single check";
    return kNone;
  }
  return f.root->check;
}

TEST(FilterParser, SingleCheck) {
  Filter f = parsed("proc.name = sshd");
  const Check& c = only_check(f);
  EXPECT_EQ(c.field.info->id, FieldId::ProcName);
  EXPECT_EQ(c.op, CmpOp::Eq);
  ASSERT_EQ(c.values.size(), 1u);
  EXPECT_EQ(c.values[0].text, "sshd");
  EXPECT_EQ(f.root->span.offset, 0u);
  EXPECT_EQ(f.root->span.length, 16u);
}

TEST(FilterParser, NotBindsTighterThanAndTighterThanOr) {
  EXPECT_EQ(tree("proc.name=a or proc.name=b and proc.name=c"),
            "(proc.name = a or (proc.name = b and proc.name = c))");
  EXPECT_EQ(tree("proc.name=a and proc.name=b or proc.name=c"),
            "((proc.name = a and proc.name = b) or proc.name = c)");
  EXPECT_EQ(tree("not proc.name=a and proc.pid=1"), "(not proc.name = a and proc.pid = 1)");
  EXPECT_EQ(tree("not proc.name=a or proc.pid=1"), "(not proc.name = a or proc.pid = 1)");
  EXPECT_EQ(tree("proc.pid=1 or not proc.name=a and fd.num=3"),
            "(proc.pid = 1 or (not proc.name = a and fd.num = 3))");
}

TEST(FilterParser, ParenthesesOverridePrecedence) {
  EXPECT_EQ(tree("(proc.name=a or proc.name=b) and proc.pid=1"),
            "((proc.name = a or proc.name = b) and proc.pid = 1)");
  EXPECT_EQ(tree("not (proc.name=a or proc.pid=1)"), "not (proc.name = a or proc.pid = 1)");
  EXPECT_EQ(tree("((proc.name=a))"), "proc.name = a");
  EXPECT_EQ(tree("not not proc.name=a"), "not not proc.name = a");
  EXPECT_EQ(tree("not(proc.name=a)"), "not proc.name = a");
}

TEST(FilterParser, ChainsAreFlat) {
  Filter f = parsed("proc.pid=1 and proc.pid=2 and proc.pid=3 or proc.pid=4 or proc.pid=5");
  ASSERT_EQ(f.root->kind, Expr::Kind::Or);
  ASSERT_EQ(f.root->children.size(), 3u);
  EXPECT_EQ(f.root->children[0]->kind, Expr::Kind::And);
  EXPECT_EQ(f.root->children[0]->children.size(), 3u);
}

struct OpCase {
  const char* text;
  CmpOp op;
  std::vector<std::string> values;
};

TEST(FilterParser, EveryOperator) {
  const OpCase cases[] = {
      {"proc.name exists", CmpOp::Exists, {}},
      {"proc.name = a", CmpOp::Eq, {"a"}},
      {"proc.name == a", CmpOp::Eq, {"a"}},
      {"proc.name != a", CmpOp::Ne, {"a"}},
      {"proc.pid < 5", CmpOp::Lt, {"5"}},
      {"proc.pid <= 5", CmpOp::Le, {"5"}},
      {"proc.pid > 5", CmpOp::Gt, {"5"}},
      {"proc.pid >= 5", CmpOp::Ge, {"5"}},
      {"proc.cmdline contains '-c x'", CmpOp::Contains, {"-c x"}},
      {"proc.cmdline icontains SSH", CmpOp::IContains, {"SSH"}},
      {"fd.name startswith /etc", CmpOp::StartsWith, {"/etc"}},
      {"fd.name endswith .conf", CmpOp::EndsWith, {".conf"}},
      {"fd.name glob '/etc/*.conf'", CmpOp::Glob, {"/etc/*.conf"}},
      {"evt.type in (open, openat, 'connect')", CmpOp::In, {"open", "openat", "connect"}},
      {"fd.name pmatch (/etc,/var/log)", CmpOp::PMatch, {"/etc", "/var/log"}},
      {"proc.name=a", CmpOp::Eq, {"a"}},
      {"proc.pid>=5", CmpOp::Ge, {"5"}},
      {"proc.name!='a b'", CmpOp::Ne, {"a b"}},
  };
  for (const OpCase& c : cases) {
    SCOPED_TRACE(c.text);
    Filter f = parsed(c.text);
    if (!f.root) continue;
    const Check& k = only_check(f);
    EXPECT_EQ(k.op, c.op);
    std::vector<std::string> values;
    for (const Constant& v : k.values) values.push_back(v.text);
    EXPECT_EQ(values, c.values);
  }
}

TEST(FilterParser, KeywordsAreWordsSoOperatorsNeedNoSpacesOnlyForSymbols) {
  EXPECT_EQ(tree("fd.name contains'x'"), "fd.name contains x");
  EXPECT_EQ(tree("evt.type in(open)"), "evt.type in (open)");
  EXPECT_EQ(tree("(proc.name=a)and(proc.pid=1)"), "(proc.name = a and proc.pid = 1)");
}

TEST(FilterParser, FieldArguments) {
  Filter a = parsed("proc.aname[2] = bash");
  EXPECT_EQ(only_check(a).field.info->id, FieldId::ProcAname);
  EXPECT_EQ(only_check(a).field.arg, "2");
  EXPECT_EQ(only_check(a).field.index, 2);
  EXPECT_EQ(only_check(a).field.to_string(), "proc.aname[2]");

  Filter b = parsed("evt.arg.fd = 3");
  EXPECT_EQ(only_check(b).field.info->id, FieldId::EvtArg);
  EXPECT_EQ(only_check(b).field.arg, "fd");
  EXPECT_FALSE(only_check(b).field.index);
  EXPECT_EQ(only_check(b).field.to_string(), "evt.arg.fd");

  Filter c = parsed("evt.arg[0] = 3");
  EXPECT_EQ(only_check(c).field.index, 0);
  EXPECT_EQ(only_check(c).field.to_string(), "evt.arg[0]");

  Filter d = parsed("proc.aname = bash");
  EXPECT_FALSE(only_check(d).field.has_arg);

  EXPECT_EQ(only_check(parsed("evt.arg[name] = x")).field.to_string(), "evt.arg.name");
  EXPECT_EQ(only_check(parsed("evt.rawarg.res < 0")).field.arg, "res");
  EXPECT_EQ(only_check(parsed("evt.arg[a-b] = x")).field.to_string(), "evt.arg[a-b]");
  EXPECT_EQ(only_check(parsed("evt.arg[a.b] = x")).field.to_string(), "evt.arg.a.b");
  EXPECT_EQ(only_check(parsed("evt.arg.a.b = x")).field.arg, "a.b");
}

TEST(FilterParser, ValuesOfEveryKind) {
  EXPECT_EQ(only_check(parsed("fd.sip = 10.0.0.1")).values[0].ip->to_string(), "10.0.0.1");
  EXPECT_EQ(only_check(parsed("fd.sip = ::1")).values[0].ip->to_string(), "::1");
  EXPECT_EQ(only_check(parsed("fd.net = 10.1.2.3/8")).values[0].network->to_string(), "10.0.0.0/8");
  EXPECT_EQ(only_check(parsed("fd.ip in (10.0.0.1, 192.168.0.0/16, fe80::/10)")).values.size(), 3u);
  EXPECT_EQ(only_check(parsed("evt.rawres < -1")).values[0].number, -1);
  EXPECT_EQ(only_check(parsed("proc.pid = 0x10")).values[0].number, 16);
  EXPECT_EQ(only_check(parsed("evt.failed = true")).values[0].number, 1);
  EXPECT_EQ(only_check(parsed("evt.is_io = false")).values[0].number, 0);
  EXPECT_EQ(only_check(parsed("fd.name = /var/log/*.log")).values[0].text, "/var/log/*.log");
  EXPECT_EQ(only_check(parsed("proc.name = \"\"")).values[0].text, "");
  EXPECT_TRUE(only_check(parsed("proc.name = 'x'")).values[0].quoted);
  EXPECT_EQ(only_check(parsed("evt.type = and")).values[0].text, "and");  // a value, by place
}

TEST(FilterParser, MultiLineFilters) {
  EXPECT_EQ(tree("proc.name = sshd\n  and (fd.type = ipv4\n       or fd.type = ipv6)"),
            "(proc.name = sshd and (fd.type = ipv4 or fd.type = ipv6))");
}

TEST(FilterParser, DocumentedExamplesParse) {
  for (const char* text : {
           "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true",
           "proc.name=sshd and evt.type=read",
           "evt.type in (connect, accept, accept4) and fd.sport != 22",
           "proc.aname[2] = bash or proc.apid[1] = 1",
           "fd.snet = 192.168.0.0/16 and not fd.cip in (127.0.0.1, ::1)",
           "container.id != host and user.uid = 0",
           "evt.arg.fd > 2 and evt.dir = '<' and evt.res = SUCCESS",
       }) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(parse_filter(text).ok());
  }
}

TEST(FilterParser, PrintedTreeParsesBackToItself) {
  for (const char* text : {
           "proc.name = 'a b' or not (evt.type in (open, \"x,y\") and fd.num >= 3)",
           "fd.name glob \"*\\\\x\" and proc.cmdline contains \"q\\\"\\n\"",
           "not not proc.aname[3] exists or evt.arg.fd != -1",
           "fd.name pmatch (/etc, '/a b/') and proc.name = ''",
       }) {
    SCOPED_TRACE(text);
    std::string once = tree(text);
    EXPECT_EQ(tree(once), once);
  }
}

TEST(FilterParser, NestingWithinTheLimitParses) {
  std::string text = std::string(50, '(') + "proc.name = a" + std::string(50, ')');
  EXPECT_EQ(tree(text), "proc.name = a");
  std::string nots;
  for (int i = 0; i < 50; ++i) nots += "not ";
  EXPECT_TRUE(parse_filter(nots + "proc.name = a").ok());
}

}  // namespace
}  // namespace vedetta::filter
