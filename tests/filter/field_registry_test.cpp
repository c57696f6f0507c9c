// vedetta::filter field registry: every field sysdig-events.md lists.
#include "filter/field_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "filter/parser.h"

namespace vedetta::filter {
namespace {

TEST(FilterFieldRegistry, KnowsEveryDocumentedField) {
  std::istringstream doc(
      "evt.num evt.type evt.dir evt.cpu evt.time evt.res evt.rawres evt.failed evt.buflen "
      "evt.is_io proc.name proc.pid proc.ppid proc.pname proc.cmdline proc.exepath thread.tid "
      "user.name user.uid fd.num fd.name fd.type fd.typechar fd.l4proto fd.sip fd.cip fd.sport "
      "fd.cport fd.lip fd.rip fd.lport fd.rport fd.port fd.ip container.id");
  std::string name;
  int n = 0;
  while (doc >> name) {
    SCOPED_TRACE(name);
    const FieldInfo* f = find_field(name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->name, name);
    EXPECT_TRUE(parse_filter(name + " exists").ok());
    ++n;
  }
  EXPECT_EQ(n, 35);
  EXPECT_TRUE(parse_filter("evt.arg.X exists").ok());
}

TEST(FilterFieldRegistry, TypesOfTheKeyFields) {
  EXPECT_EQ(find_field("proc.name")->type, FieldType::String);
  EXPECT_EQ(find_field("proc.pid")->type, FieldType::Number);
  EXPECT_EQ(find_field("fd.sport")->type, FieldType::Number);
  EXPECT_EQ(find_field("fd.sip")->type, FieldType::Ip);
  EXPECT_EQ(find_field("fd.net")->type, FieldType::Network);
  EXPECT_EQ(find_field("evt.failed")->type, FieldType::Bool);
  EXPECT_EQ(find_field("evt.arg")->type, FieldType::Dynamic);
  EXPECT_EQ(find_field("evt.arg")->arg, FieldArg::Name);
  EXPECT_EQ(find_field("proc.aname")->arg, FieldArg::OptionalIndex);
}

TEST(FilterFieldRegistry, NamesAndIdsAreUnique) {
  std::set<std::string> names;
  std::set<FieldId> ids;
  for (const FieldInfo& f : all_fields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(ids.insert(f.id).second) << f.name;
    EXPECT_EQ(find_field(f.name), &f);
    EXPECT_NE(std::string(f.description), "");
  }
}

TEST(FilterFieldRegistry, UnknownNamesAndTypos) {
  EXPECT_EQ(find_field("proc.nme"), nullptr);
  EXPECT_EQ(find_field("proc"), nullptr);
  EXPECT_EQ(find_field(""), nullptr);
  EXPECT_STREQ(closest_field("proc.nme")->name, "proc.name");
  EXPECT_STREQ(closest_field("fd.spor")->name, "fd.sport");
  EXPECT_EQ(closest_field("zzz.qqqqq"), nullptr);
  EXPECT_EQ(closest_field(std::string(1000, 'a')), nullptr);
}

}  // namespace
}  // namespace vedetta::filter
