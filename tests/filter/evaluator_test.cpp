// vedetta::filter::evaluate against a fake FieldSource.
#include "filter/evaluator.h"

#include <gtest/gtest.h>

#include "fake_source.h"
#include "filter_generator.h"

namespace vedetta::filter {
namespace {

using testing::FakeSource;

bool eval(const std::string& text, const FieldSource& src) {
  auto r = parse_filter(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : render_error(r.error(), text));
  return r.ok() && evaluate(r.value(), src);
}

FakeSource sshd_event() {
  FakeSource s;
  s.set("evt.type", "read").set("evt.dir", "<").set("evt.num", 475).set("evt.cpu", 0);
  s.set("evt.failed", FieldValue::boolean(false)).set("evt.is_io", FieldValue::boolean(true));
  s.set("evt.res", "SUCCESS").set("evt.rawres", 16).set("evt.buflen", 16);
  s.set("proc.name", "sshd").set("proc.pid", 2352).set("proc.ppid", 1);
  s.set("proc.cmdline", "sshd: root@pts/0 -D");
  s.set("thread.tid", 2352).set("user.name", "root").set("user.uid", 0);
  s.set("fd.num", 3).set("fd.type", "ipv4").set("fd.typechar", "4").set("fd.l4proto", "tcp");
  s.set("fd.name", "192.168.122.1:57897->192.168.122.100:22");
  s.set_ip("fd.cip", "192.168.122.1").set_ip("fd.sip", "192.168.122.100");
  s.set("fd.cport", 57897).set("fd.sport", 22);
  s.set("fd.ip", FieldValue::list(
                     {FieldValue::string("192.168.122.1"), FieldValue::string("192.168.122.100")}));
  s.set("fd.net", FieldValue::list({FieldValue::string("192.168.122.1"),
                                    FieldValue::string("192.168.122.100")}));
  s.set("proc.aname",
        FieldValue::list({FieldValue::string("sshd"), FieldValue::string("systemd")}));
  s.set("proc.aname[1]", "systemd");
  s.set("evt.arg.fd", "3").set("evt.arg.size", "16384").set("evt.arg.name", "x1");
  return s;
}

TEST(FilterEvaluator, EqualityAndInequality) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("proc.name = sshd", s));
  EXPECT_TRUE(eval("proc.name == sshd", s));
  EXPECT_FALSE(eval("proc.name = ssh", s));
  EXPECT_FALSE(eval("proc.name = SSHD", s));
  EXPECT_TRUE(eval("proc.name != bash", s));
  EXPECT_FALSE(eval("proc.name != sshd", s));
  EXPECT_TRUE(eval("evt.dir = '<'", s));
}

TEST(FilterEvaluator, NumbersCompareAsNumbers) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("proc.pid = 2352", s));
  EXPECT_TRUE(eval("proc.pid = 0x930", s));
  EXPECT_TRUE(eval("proc.pid = +2352", s));
  EXPECT_TRUE(eval("proc.pid < 10000", s));  // as text, "2352" > "10000"
  EXPECT_TRUE(eval("proc.pid <= 2352 and proc.pid >= 2352", s));
  EXPECT_FALSE(eval("proc.pid > 2352", s));
  EXPECT_TRUE(eval("fd.sport in (22, 80, 443)", s));
  EXPECT_FALSE(eval("fd.sport in (80, 443)", s));
  EXPECT_TRUE(eval("user.uid = 0", s));
}

TEST(FilterEvaluator, EventArgumentsCompareAsNumbersWhenBothAre) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("evt.arg.fd = 3", s));
  EXPECT_TRUE(eval("evt.arg.fd = 03", s));      // numbers
  EXPECT_TRUE(eval("evt.arg.size > 9999", s));  // "16384" > "9999" only as numbers
  EXPECT_TRUE(eval("evt.arg.name > x0", s));    // text
  EXPECT_TRUE(eval("evt.arg.name contains 1", s));
  EXPECT_FALSE(eval("evt.arg.missing = 3", s));
  FakeSource a;
  a.set("evt.arg.addr", "10.1.2.3").set_ip("evt.arg.peer", "::1");
  EXPECT_TRUE(eval("evt.arg.addr = 10.1.2.3", a));
  EXPECT_TRUE(eval("evt.arg.addr in (10.0.0.0/8)", a));
  EXPECT_TRUE(eval("evt.arg.addr = 10.0.0.0/8", a));  // an argument may be a block
  EXPECT_TRUE(eval("evt.arg.peer = 0:0::1", a));
  EXPECT_TRUE(eval("evt.arg.peer contains :1", a));
}

TEST(FilterEvaluator, TextFieldsCompareAsText) {
  FakeSource s;
  s.set("proc.name", "0123").set("evt.type", "10");
  EXPECT_FALSE(eval("proc.name = 123", s));
  EXPECT_TRUE(eval("proc.name = 0123", s));
  EXPECT_TRUE(eval("evt.type < 9", s));  // "10" < "9" as text
}

TEST(FilterEvaluator, NumberFieldGivenAsText) {
  FakeSource s;
  s.set("proc.pid", "042").set("fd.num", "not-a-number");
  EXPECT_TRUE(eval("proc.pid = 42", s));
  EXPECT_FALSE(eval("fd.num = 1", s));
  EXPECT_TRUE(eval("fd.num != 1", s));
}

TEST(FilterEvaluator, Booleans) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("evt.is_io = true", s));
  EXPECT_TRUE(eval("evt.is_io = 1", s));
  EXPECT_TRUE(eval("evt.failed = false", s));
  EXPECT_TRUE(eval("evt.failed != true", s));
  FakeSource t;
  t.set("evt.failed", "true");
  EXPECT_TRUE(eval("evt.failed = true", t));
}

TEST(FilterEvaluator, StringOperators) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("proc.cmdline contains root@", s));
  EXPECT_FALSE(eval("proc.cmdline contains ROOT", s));
  EXPECT_TRUE(eval("proc.cmdline icontains ROOT@PTS", s));
  EXPECT_TRUE(eval("proc.cmdline startswith 'sshd:'", s));
  EXPECT_FALSE(eval("proc.cmdline startswith 'sshd: root@pts/0 -D and more'", s));
  EXPECT_TRUE(eval("proc.cmdline endswith -D", s));
  EXPECT_FALSE(eval("proc.cmdline endswith 'x sshd: root@pts/0 -D'", s));
  EXPECT_TRUE(eval("fd.name glob '*->*:22'", s));
  EXPECT_FALSE(eval("fd.name glob '*:23'", s));
  EXPECT_TRUE(eval("proc.name > sshc and proc.name < sshe", s));
}

TEST(FilterEvaluator, PathPrefix) {
  FakeSource s;
  s.set("fd.name", "/etc/ssh/sshd_config");
  EXPECT_TRUE(eval("fd.name pmatch (/etc/ssh)", s));
  EXPECT_TRUE(eval("fd.name pmatch (/var, /etc)", s));
  EXPECT_FALSE(eval("fd.name pmatch (/etc/ss)", s));
  EXPECT_FALSE(eval("fd.name pmatch (/var)", s));
}

TEST(FilterEvaluator, AddressesAndNetworks) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("fd.sip = 192.168.122.100", s));
  EXPECT_FALSE(eval("fd.sip = 192.168.122.1", s));
  EXPECT_TRUE(eval("fd.sip != 10.0.0.1", s));
  EXPECT_TRUE(eval("fd.cip in (10.0.0.0/8, 192.168.0.0/16)", s));
  EXPECT_FALSE(eval("fd.cip in (10.0.0.0/8, 192.168.122.2)", s));
  EXPECT_TRUE(eval("fd.sip in (192.168.122.100)", s));
  EXPECT_FALSE(eval("fd.sip = ::1", s));  // other family
  EXPECT_TRUE(eval("fd.net = 192.168.122.0/24", s));
  EXPECT_TRUE(eval("fd.net = 192.168.122.1", s));  // a bare address is a /32
  EXPECT_FALSE(eval("fd.net = 10.0.0.0/8", s));
  EXPECT_TRUE(eval("fd.net != 10.0.0.0/8", s));
  EXPECT_TRUE(eval("fd.ip = 192.168.122.1 and fd.ip = 192.168.122.100", s));  // either side
  FakeSource v6;
  v6.set_ip("fd.sip", "fe80::1").set("fd.cip", "2001:db8::5");
  EXPECT_TRUE(eval("fd.sip in (fe80::/10)", v6));
  EXPECT_TRUE(eval("fd.cip = 2001:db8::5", v6));  // address given as text
  EXPECT_TRUE(eval("fd.cip = 2001:0db8:0::5", v6));
}

TEST(FilterEvaluator, ListValuesMatchAnyItem) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("proc.aname = systemd", s));
  EXPECT_TRUE(eval("proc.aname in (init, sshd)", s));
  EXPECT_FALSE(eval("proc.aname = bash", s));
  EXPECT_TRUE(eval("proc.aname != bash", s));
  EXPECT_FALSE(eval("proc.aname != sshd", s));  // no item may equal
  EXPECT_TRUE(eval("proc.aname[1] = systemd", s));
  EXPECT_FALSE(eval("proc.aname[1] = sshd", s));
  FakeSource empty;
  empty.set("proc.aname", FieldValue::list({}));
  EXPECT_FALSE(eval("proc.aname = a", empty));
  EXPECT_FALSE(eval("proc.aname != a", empty));
  EXPECT_TRUE(eval("proc.aname exists", empty));
}

TEST(FilterEvaluator, AbsentFieldsFailEveryCheckButNotExists) {
  FakeSource s;
  for (const char* text : {"container.id = host", "container.id != host", "container.id < a",
                           "container.id contains a", "container.id in (a)",
                           "container.id pmatch (/)", "container.id glob *", "container.id exists"})
    EXPECT_FALSE(eval(text, s)) << text;
  EXPECT_TRUE(eval("not container.id exists", s));
  EXPECT_TRUE(eval("not container.id = host", s));
  s.set("container.id", "");
  EXPECT_TRUE(eval("container.id exists", s));
  EXPECT_TRUE(eval("container.id = ''", s));
}

TEST(FilterEvaluator, LogicAndShortCircuit) {
  FakeSource s = sshd_event();
  EXPECT_TRUE(eval("(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true", s));
  EXPECT_FALSE(eval("not (fd.type=ipv4 or fd.type=ipv6)", s));
  EXPECT_TRUE(eval("not not proc.name = sshd", s));
  EXPECT_TRUE(eval("proc.name = x or proc.name = y or proc.name = sshd", s));
  EXPECT_FALSE(eval("proc.name = sshd and proc.pid = 1 and fd.num = 3", s));
  s.lookups = 0;
  EXPECT_FALSE(eval("proc.name = x and proc.pid = 1 and fd.num = 3", s));
  EXPECT_EQ(s.lookups, 1);
  s.lookups = 0;
  EXPECT_TRUE(eval("proc.name = sshd or proc.pid = 1", s));
  EXPECT_EQ(s.lookups, 1);
}

TEST(FilterEvaluator, PrintedFormDecidesLikeTheOriginal) {
  testing::Generator gen(7);
  for (int i = 0; i < 1000; ++i) {
    std::string text = gen.filter();
    auto original = parse_filter(text);
    ASSERT_TRUE(original.ok()) << text;
    std::string printed = to_string(*original.value().root);
    auto again = parse_filter(printed);
    ASSERT_TRUE(again.ok()) << printed;
    EXPECT_EQ(to_string(*again.value().root), printed);
    for (int j = 0; j < 20; ++j) {
      std::string type, comm;
      int64_t pid = 0;
      FakeSource event = gen.event(type, pid, comm);
      ASSERT_EQ(evaluate(original.value(), event), evaluate(again.value(), event)) << text << "\n"
                                                                                   << printed;
    }
  }
}

}  // namespace
}  // namespace vedetta::filter
