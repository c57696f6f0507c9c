// vedetta::parse_template: nProbe-style "-T" templates.
#include "export/flow_template.h"

#include <gtest/gtest.h>

#include <set>

#include <string>

#include "common/user_error.h"

namespace vedetta {
namespace {

std::vector<std::string> names(const std::vector<const FieldDef*>& fields) {
  std::vector<std::string> out;
  for (const FieldDef* f : fields) out.emplace_back(f->name);
  return out;
}

// The message of the UserError that parsing `text` throws ("" if none).
std::string error_of(const std::string& text) {
  try {
    parse_template(text);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(FlowTemplate, GoodTemplateKeepsOrder) {
  auto f = parse_template("%IPV4_SRC_ADDR %L4_SRC_PORT %IPV4_DST_ADDR %L4_DST_PORT %IN_PKTS "
                          "%IN_BYTES %L7_PROTO_NAME");
  EXPECT_EQ(names(f), (std::vector<std::string>{"IPV4_SRC_ADDR", "L4_SRC_PORT", "IPV4_DST_ADDR",
                                                "L4_DST_PORT", "IN_PKTS", "IN_BYTES",
                                                "L7_PROTO_NAME"}));
  for (const FieldDef* d : f) EXPECT_EQ(d, find_field(d->name));
}

TEST(FlowTemplate, SeparatorsAndCase) {
  auto f = parse_template("  %ipv4_src_addr,%L4_Src_Port\t%PROTOCOL%FLOW_ID\n,, ");
  EXPECT_EQ(names(f),
            (std::vector<std::string>{"IPV4_SRC_ADDR", "L4_SRC_PORT", "PROTOCOL", "FLOW_ID"}));
}

TEST(FlowTemplate, RepeatedFieldsAreKept) {
  auto f = parse_template("%IN_PKTS %IN_PKTS");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], f[1]);
}

TEST(FlowTemplate, UnknownFieldNamesColumnAndField) {
  std::string e = error_of("%IPV4_SRC_ADDR %NOPE_FIELD %L4_SRC_PORT");
  EXPECT_NE(e.find("column 16"), std::string::npos) << e;
  EXPECT_NE(e.find("%NOPE_FIELD"), std::string::npos) << e;
  EXPECT_NE(e.find("--list-fields"), std::string::npos) << e;
  std::string first = error_of("%BOGUS");
  EXPECT_NE(first.find("column 1:"), std::string::npos) << first;
}

TEST(FlowTemplate, UnknownFieldColumnCountsSeparators) {
  std::string e = error_of("%IN_PKTS,\t  %OUT_PKTZ");
  EXPECT_NE(e.find("column 13"), std::string::npos) << e;
  EXPECT_NE(e.find("OUT_PKTZ"), std::string::npos) << e;
}

TEST(FlowTemplate, PrefixOfAFieldIsUnknown) {
  std::string e = error_of("%IPV4_SRC");
  EXPECT_NE(e.find("unknown field '%IPV4_SRC'"), std::string::npos) << e;
}

TEST(FlowTemplate, ProcessMacroExpandsToTheProcessFieldsOfBothEnds) {
  auto fields = parse_template("%IPV4_SRC_ADDR @PROCESS@ %L4_SRC_PORT");
  ASSERT_GE(fields.size(), 2u + 16u);
  EXPECT_EQ(fields.front()->name, "IPV4_SRC_ADDR");
  EXPECT_EQ(fields.back()->name, "L4_SRC_PORT");
  std::set<std::string_view> names;
  for (auto* f : fields) names.insert(f->name);
  for (const char* n : {"SRC_PROC_PID", "SRC_PROC_NAME", "SRC_PROC_USER_NAME", "SRC_FATHER_PROC_PID",
                        "SRC_FATHER_PROC_NAME", "DST_PROC_PID", "DST_PROC_NAME", "DST_PROC_CMDLINE",
                        "SRC_PROC_ACTUAL_MEMORY", "SRC_PROC_PEAK_MEMORY", "SRC_PROC_AVERAGE_CPU_LOAD",
                        "SRC_PROC_NUM_PAGE_FAULTS", "SRC_PROC_PCTG_IOWAIT", "DST_PROC_AVERAGE_CPU_LOAD",
                        "DST_PROC_PCTG_IOWAIT"})
    EXPECT_TRUE(names.count(n)) << n;
  std::string e = error_of("%IPV4_SRC_ADDR @NOPE@ %L4_SRC_PORT");
  EXPECT_NE(e.find("column 16"), std::string::npos) << e;
  EXPECT_NE(e.find("@NOPE@"), std::string::npos) << e;
  std::string open = error_of("@PROCESS");  // no closing '@'
  EXPECT_NE(open.find("column 1"), std::string::npos) << open;
  EXPECT_NE(open.find("@PROCESS"), std::string::npos) << open;
}

TEST(FlowTemplate, TextWithoutPercent) {
  std::string e = error_of("%IN_PKTS IN_BYTES");
  EXPECT_NE(e.find("column 10"), std::string::npos) << e;
  EXPECT_NE(e.find("found 'I'"), std::string::npos) << e;
}

TEST(FlowTemplate, EmptyTemplate) {
  EXPECT_NE(error_of("").find("empty template"), std::string::npos);
  EXPECT_NE(error_of(" , \t").find("empty template"), std::string::npos);
}

TEST(FlowTemplate, LonePercent) {
  std::string e = error_of("%IN_PKTS %");
  EXPECT_NE(e.find("column 10"), std::string::npos) << e;
}

TEST(FlowTemplate, ErrorsAreUserErrors) {
  EXPECT_THROW(parse_template("%NOPE"), UserError);
  EXPECT_THROW(parse_template("@PROCES@"), UserError);
  EXPECT_NO_THROW(parse_template("%EXPORT_REASON"));
}

}  // namespace
}  // namespace vedetta
