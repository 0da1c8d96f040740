// SPDX-License-Identifier: Apache-2.0
// The syntax tree of the expression language, annotated by the compiler.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace civicplan::detail {

enum class NodeKind {
  kNumber,
  kString,
  kBool,
  kName,   // a statistic
  kCall,   // a function
  kNeg,
  kNot,
  kAnd,
  kOr,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLag,    // child evaluated `lag` years earlier (x[-1])
};

struct Node {
  NodeKind kind = NodeKind::kNumber;
  double number = 0;             // kNumber, kBool (1/0)
  std::string text;              // kString value, kName / kCall name
  std::vector<std::unique_ptr<Node>> args;  // operands or call arguments in order
  std::vector<std::string> arg_names;       // for calls: keyword of each argument or ""
  std::vector<std::pair<int, int>> arg_name_at;  // line and column of each keyword
  int lag = 0;                   // kLag: year offset (negative looks back)
  int line = 1;
  int column = 1;
  int length = 1;                // characters covered by the token that names the node
  std::size_t begin = 0, end = 0;  // the node's source text: bytes [begin, end) of the expression
};

/// Parses `text`; throws ParseError (source, line, column, caret) on a syntax error.
std::unique_ptr<Node> parse_expression(const std::string& text, const std::string& source);

/// The error text with the offending line and a caret under `column`.
std::string caret_message(const std::string& text, int line, int column, const std::string& message);

/// Limits that keep every expression bounded in depth and size.
inline constexpr int kMaxExpressionDepth = 200;
inline constexpr int kMaxExpressionNodes = 20000;
inline constexpr int kMaxExpressionHeight = 1000;  // operations nested in the tree, e.g. a + b + c
inline constexpr std::size_t kMaxExpressionLength = 1 << 20;

}  // namespace civicplan::detail
