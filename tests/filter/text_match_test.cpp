// vedetta::filter glob and path-prefix matching.
#include "filter/text_match.h"

#include <gtest/gtest.h>

namespace vedetta::filter {
namespace {

TEST(FilterGlob, StarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("/etc/*.conf", "/etc/ssh/sshd.conf"));  // '/' is not special
  EXPECT_FALSE(glob_match("/etc/*.conf", "/etc/sshd.confx"));
  EXPECT_TRUE(glob_match("ss?d", "sshd"));
  EXPECT_FALSE(glob_match("ss?d", "ssd"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYYb"));
  EXPECT_TRUE(glob_match("**a**", "bab"));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("abc", "ABC"));
}

TEST(FilterGlob, Classes) {
  EXPECT_TRUE(glob_match("[a-c]x", "bx"));
  EXPECT_FALSE(glob_match("[a-c]x", "dx"));
  EXPECT_TRUE(glob_match("[!a-c]x", "dx"));
  EXPECT_TRUE(glob_match("[^a-c]x", "dx"));
  EXPECT_FALSE(glob_match("[!a-c]x", "ax"));
  EXPECT_TRUE(glob_match("[]]", "]"));
  EXPECT_TRUE(glob_match("[a-]", "-"));
  EXPECT_TRUE(glob_match("[abc", "[abc"));  // unclosed: literal
  EXPECT_TRUE(glob_match("*[0-9]", "tty7"));
}

TEST(FilterGlob, Escapes) {
  EXPECT_TRUE(glob_match("a\\*", "a*"));
  EXPECT_FALSE(glob_match("a\\*", "ab"));
  EXPECT_TRUE(glob_match("a\\", "a\\"));
}

TEST(FilterGlob, NoBlowUpOnManyStars) {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "*a";
  pattern += "*b";
  EXPECT_FALSE(glob_match(pattern, std::string(5000, 'a')));
}

TEST(FilterPathPrefix, WholeComponents) {
  EXPECT_TRUE(path_prefix_match("/etc", "/etc"));
  EXPECT_TRUE(path_prefix_match("/etc", "/etc/passwd"));
  EXPECT_TRUE(path_prefix_match("/etc/", "/etc/passwd"));
  EXPECT_FALSE(path_prefix_match("/etc", "/etcd/x"));
  EXPECT_FALSE(path_prefix_match("/etc/passwd", "/etc"));
  EXPECT_TRUE(path_prefix_match("/", "/anything"));
  EXPECT_FALSE(path_prefix_match("", "/x"));
}

}  // namespace
}  // namespace vedetta::filter
