#pragma once
// sysdig's filter language, parsed into an Expr tree:
//
//   Expr     := OrExpr
//   OrExpr   := AndExpr ('or' AndExpr)*
//   AndExpr  := NotExpr ('and' NotExpr)*
//   NotExpr  := 'not'* ( '(' Expr ')' | Check )
//   Check    := Field ( 'exists' | CmpOp Value | ListOp '(' Value (',' Value)* ')' )
//   CmpOp    := = == != < <= > >= contains icontains startswith endswith glob
//   ListOp   := in pmatch
//   Field    := name('.'name)+ ( '[' arg ']' )?
//
// so not binds tighter than and, and tighter than or. Keywords are lower
// case. Fields are checked against the registry, operators against the
// field's type and values against what the field holds, all at parse time;
// every error carries the place of the offending text.
#include <memory>
#include <string>
#include <string_view>

#include "filter/ast.h"
#include "filter/result.h"

namespace vedetta::filter {

// Deeper nesting of parentheses and 'not' is an error (keeps recursion bounded).
inline constexpr int kMaxDepth = 100;

struct Filter {
  std::string source;
  std::unique_ptr<Expr> root;
};

Result<Filter> parse_filter(std::string_view text);

// For main and option parsing: throws UserError with the rendered error
// ("filter:1:5: ...", the line, the underline). `origin` names the text.
Filter parse_filter_or_throw(std::string_view text, std::string_view origin = "filter");

}  // namespace vedetta::filter
