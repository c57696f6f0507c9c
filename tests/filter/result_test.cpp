// vedetta::filter::render_error: "filter:L:C: message", the line, ~~~.
#include "filter/result.h"

#include <gtest/gtest.h>

namespace vedetta::filter {
namespace {

TEST(FilterResult, RendersPlaceLineAndUnderline) {
  FilterError e{Span{15, 8, 1, 16}, "unknown field 'proc.nme'"};
  EXPECT_EQ(render_error(e, "evt.type=x and proc.nme=y"),
            "filter:1:16: unknown field 'proc.nme'\n"
            "evt.type=x and proc.nme=y\n" +
                std::string(15, ' ') + "~~~~~~~~");
}

TEST(FilterResult, ShowsOnlyTheLineOfTheError) {
  FilterError e{Span{19, 3, 2, 6}, "x"};
  EXPECT_EQ(render_error(e, "proc.name = a\n\tand xyz\nlast", "rules.txt"),
            "rules.txt:2:6: x\n\tand xyz\n\t    ~~~");
}

TEST(FilterResult, EmptyLengthAtEndGetsACaret) {
  FilterError e{Span{11, 0, 1, 12}, "expected a value"};
  EXPECT_EQ(render_error(e, "proc.name ="),
            "filter:1:12: expected a value\nproc.name =\n" + std::string(11, ' ') + "^");
}

TEST(FilterResult, UnderlineCountsCharacters) {
  FilterError e{Span{5, 5, 1, 5}, "x"};  // 'né' is 5 bytes with the quotes
  EXPECT_EQ(render_error(e, "é = 'né'"), "filter:1:5: x\né = 'né'\n    ~~~~");
}

TEST(FilterResult, SurvivesOutOfRangeSpans) {
  FilterError e{Span{100, 50, 1, 101}, "x"};
  EXPECT_EQ(render_error(e, "ab"), "filter:1:101: x\nab\n  ^");
  EXPECT_EQ(render_error(e, ""), "filter:1:101: x");
}

TEST(FilterResult, HoldsValueOrError) {
  Result<int> ok = 3;
  Result<int> bad = FilterError{Span{}, "no"};
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 3);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "no");
}

}  // namespace
}  // namespace vedetta::filter
