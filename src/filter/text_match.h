#pragma once
// String matching used by the evaluator.
#include <string_view>

namespace vedetta::filter {

// Shell glob: * (any run), ? (one character), [abc] [a-z] [!x] [^x]
// classes, \ escapes the next character; an unclosed [ is a literal. Whole
// string, case-sensitive, '/' not special. Linear-time backtracking to the
// last '*' only, so no input blows up.
bool glob_match(std::string_view pattern, std::string_view text);

// Path prefix: `path` is `prefix` or lies under it, by whole components:
// /etc matches /etc and /etc/passwd, not /etcd. A trailing slash on the
// prefix is allowed (/etc/). An empty prefix matches nothing.
bool path_prefix_match(std::string_view prefix, std::string_view path);

}  // namespace vedetta::filter
