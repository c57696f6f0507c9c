// vedetta::append_json_string: untrusted bytes → a valid JSON string literal.
#include "export/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace vedetta {
namespace {

std::string js(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonText, PlainText) {
  EXPECT_EQ(js("www.example.com"), "\"www.example.com\"");
  EXPECT_EQ(js(""), "\"\"");
}

TEST(JsonText, Appends) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

TEST(JsonText, QuotesAndBackslash) {
  EXPECT_EQ(js("a\"b"), R"("a\"b")");
  EXPECT_EQ(js("C:\\dir"), R"("C:\\dir")");
  EXPECT_EQ(js("\"\\\""), R"("\"\\\"")");
  EXPECT_EQ(js("/"), "\"/\"");
}

TEST(JsonText, ControlCharacters) {
  EXPECT_EQ(js("\n"), R"("\u000a")");
  EXPECT_EQ(js("a\tb\r"), R"("a\u0009b\u000d")");
  EXPECT_EQ(js(std::string_view("\0x", 2)), R"("\u0000x")");
  EXPECT_EQ(js("\x1f"), R"("\u001f")");
  EXPECT_EQ(js("\x7f"), R"("\u007f")");
  EXPECT_EQ(js(" "), "\" \"");  // 0x20 is printable
  // Every one of them is escaped.
  for (int c = 0; c < 0x20; ++c) {
    std::string out = js(std::string(1, char(c)));
    ASSERT_EQ(out.size(), 8u) << c;
    EXPECT_EQ(out.substr(0, 3), "\"\\u") << c;
  }
}

TEST(JsonText, ValidMultibyteKept) {
  EXPECT_EQ(js("caf\xc3\xa9"), "\"caf\xc3\xa9\"");                      // é (2 bytes)
  EXPECT_EQ(js("\xe2\x82\xac"), "\"\xe2\x82\xac\"");                    // € (3 bytes)
  EXPECT_EQ(js("\xe6\x97\xa5\xe6\x9c\xac"), "\"\xe6\x97\xa5\xe6\x9c\xac\"");  // 日本
  EXPECT_EQ(js("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");            // 😀 (4 bytes)
  EXPECT_EQ(js("\xc2\x80"), "\"\xc2\x80\"");                            // U+0080, smallest 2-byte
  EXPECT_EQ(js("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");            // U+10FFFF, the last
  EXPECT_EQ(js("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");                    // U+FFFD itself
}

TEST(JsonText, InvalidUtf8BecomesReplacement) {
  EXPECT_EQ(js("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(js("\x80"), R"("\ufffd")");                 // lone continuation byte
  EXPECT_EQ(js("\xc3"), R"("\ufffd")");                 // cut 2-byte sequence at the end
  EXPECT_EQ(js("\xc3(x"), R"("\ufffd(x")");             // bad continuation
  EXPECT_EQ(js("\xe2\x82"), R"("\ufffd\ufffd")");       // cut 3-byte sequence
  EXPECT_EQ(js("\xc0\xaf"), R"("\ufffd\ufffd")");       // overlong '/'
  EXPECT_EQ(js("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")");  // overlong 3-byte
  EXPECT_EQ(js("\xf0\x80\x80\xaf"), R"("\ufffd\ufffd\ufffd\ufffd")");  // overlong 4-byte
  EXPECT_EQ(js("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // UTF-16 surrogate D800
  EXPECT_EQ(js("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(js("\xf8\x88\x80\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd\ufffd")");  // 5-byte form
  // A valid character right after an invalid byte survives.
  EXPECT_EQ(js("\xff\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
}

// Whatever the bytes, the result parses as JSON, and valid UTF-8 comes back
// unchanged.
TEST(JsonText, AlwaysValidJson) {
  uint64_t state = 42;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    size_t n = i % 40;
    for (size_t k = 0; k < n; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      s.push_back(char(state >> 56));
    }
    std::string out = js(s);
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(out)) << out;
    ASSERT_TRUE(j.is_string());
  }
  const std::string valid = "h\xc3\xa9llo \"w\\rld\"\n\xf0\x9f\x98\x80\x01\x7f";
  EXPECT_EQ(nlohmann::json::parse(js(valid)).get<std::string>(), valid);
}

}  // namespace
}  // namespace vedetta
