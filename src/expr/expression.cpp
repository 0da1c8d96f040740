// SPDX-License-Identifier: Apache-2.0
// Lexer and recursive-descent parser of the expression language (DESIGN §5).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "civicplan/error.hpp"
#include "civicplan/expression.hpp"
#include "base/text.hpp"
#include "expr/ast.hpp"

namespace civicplan {

namespace detail {

namespace {

enum class Tok { kNumber, kString, kName, kOp, kEnd };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;
  double number = 0;
  int line = 1, column = 1, length = 0;
  std::size_t begin = 0, end = 0;  // bytes of the token in the text
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {
    if (text.size() > kMaxExpressionLength) fail(1, 1, "expression is longer than 1 MiB");
    if (const std::size_t bad = invalid_utf8_at(text); bad != std::string::npos) {
      // The position of the byte, counted as the lexer counts columns (in characters).
      int line = 1, column = 1;
      for (std::size_t i = 0; i < bad; ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
          ++column;
        }
      }
      throw ParseError("malformed UTF-8 byte in the expression", source, line, column);
    }
    advance();
  }

  std::unique_ptr<Node> parse() {
    if (cur_.type == Tok::kEnd) fail(cur_, "empty expression");
    auto root = expr();
    if (cur_.type != Tok::kEnd) fail(cur_, "unexpected " + show(cur_) + " after the end of the expression");
    // Chains of binary operators ("1 + 1 + ...") build deep trees without deep parsing; the
    // compiler and evaluator walk trees recursively, so the height is bounded here.
    std::vector<std::pair<const Node*, int>> stack{{root.get(), 1}};
    while (!stack.empty()) {
      const auto [node, height] = stack.back();
      stack.pop_back();
      if (height > kMaxExpressionHeight) {
        fail(node->line, node->column,
             "expression is more than " + std::to_string(kMaxExpressionHeight) +
                 " operations deep; split it, e.g. into several indicators");
      }
      for (const auto& a : node->args) stack.emplace_back(a.get(), height + 1);
    }
    return root;
  }

 private:
  [[noreturn]] void fail(int line, int column, const std::string& message) {
    throw ParseError(caret_message(text_, line, column, message), source_, line, column);
  }
  [[noreturn]] void fail(const Token& t, const std::string& message) { fail(t.line, t.column, message); }

  static std::string show(const Token& t) {
    switch (t.type) {
      case Tok::kEnd: return "end of expression";
      case Tok::kString: return "string \"" + t.text + "\"";
      default: return "'" + t.text + "'";
    }
  }

  // --- lexer ---
  void advance() {
    // Skip white space and # comments.
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        col_ = 1;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++col_;
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    Token t;
    t.line = line_;
    t.column = col_;
    t.begin = t.end = pos_;
    if (pos_ >= text_.size()) {
      t.type = Tok::kEnd;
      cur_ = t;
      return;
    }
    const std::size_t start = pos_;
    char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
        std::size_t p = pos_ + 1;
        if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
        if (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) {
          pos_ = p;
          while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        }
      }
      t.type = Tok::kNumber;
      t.text = text_.substr(start, pos_ - start);
      char* end = nullptr;
      t.number = std::strtod(t.text.c_str(), &end);
      if (*end != '\0' || !std::isfinite(t.number)) fail(t, "malformed number '" + t.text + "'");
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' || text_[pos_] == '.')) {
        ++pos_;
      }
      t.type = Tok::kName;
      t.text = text_.substr(start, pos_ - start);
    } else if (c == '"' || c == '\'') {
      const char quote = c;
      ++pos_;
      std::string value;
      while (true) {
        if (pos_ >= text_.size() || text_[pos_] == '\n') fail(t, "unterminated string");
        char d = text_[pos_];
        if (d == '\\' && pos_ + 1 < text_.size()) {
          value += text_[pos_ + 1];
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (d == quote) break;
        value += d;
      }
      t.type = Tok::kString;
      t.text = value;
    } else {
      static const char* const kTwo[] = {"==", "!=", "<=", ">="};
      t.type = Tok::kOp;
      for (const char* op : kTwo) {
        if (text_.compare(pos_, 2, op) == 0) t.text = op;
      }
      if (t.text.empty()) {
        if (std::string("+-*/()[],:<>").find(c) == std::string::npos) {
          fail(t, std::string("unexpected character '") + c + "'");
        }
        t.text = std::string(1, c);
      }
      pos_ += t.text.size();
    }
    // Columns count characters, not UTF-8 continuation bytes.
    for (std::size_t i = start; i < pos_; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col_;
    }
    t.length = col_ - t.column;
    t.end = pos_;
    cur_ = t;
  }

  bool is_op(const char* op) const { return cur_.type == Tok::kOp && cur_.text == op; }
  bool is_word(const char* w) const { return cur_.type == Tok::kName && cur_.text == w; }

  void expect(const char* op, const std::string& context) {
    if (!is_op(op)) fail(cur_, std::string("expected '") + op + "' " + context + ", got " + show(cur_));
    advance();
  }

  std::unique_ptr<Node> make(NodeKind kind, const Token& at) {
    if (++nodes_ > kMaxExpressionNodes) {
      fail(at, "expression has more than " + std::to_string(kMaxExpressionNodes) + " terms");
    }
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->line = at.line;
    n->column = at.column;
    n->length = std::max(1, at.length);
    n->begin = at.begin;
    n->end = at.end;
    return n;
  }

  std::unique_ptr<Node> binary(NodeKind kind, const Token& at, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
    auto n = make(kind, at);
    n->begin = a->begin;
    n->end = b->end;
    n->args.push_back(std::move(a));
    n->args.push_back(std::move(b));
    return n;
  }

  struct Depth {
    Parser& p;
    explicit Depth(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxExpressionDepth) {
        p.fail(p.cur_, "expression is nested more than " + std::to_string(kMaxExpressionDepth) + " levels deep");
      }
    }
    ~Depth() { --p.depth_; }
  };

  // --- grammar ---
  std::unique_ptr<Node> expr() {
    Depth d(*this);
    return or_expr();
  }

  std::unique_ptr<Node> or_expr() {
    auto left = and_expr();
    while (is_word("or")) {
      Token at = cur_;
      advance();
      left = binary(NodeKind::kOr, at, std::move(left), and_expr());
    }
    return left;
  }

  std::unique_ptr<Node> and_expr() {
    auto left = not_expr();
    while (is_word("and")) {
      Token at = cur_;
      advance();
      left = binary(NodeKind::kAnd, at, std::move(left), not_expr());
    }
    return left;
  }

  std::unique_ptr<Node> not_expr() {
    if (is_word("not")) {
      Depth d(*this);
      Token at = cur_;
      advance();
      auto n = make(NodeKind::kNot, at);
      n->args.push_back(not_expr());
      n->end = n->args.back()->end;
      return n;
    }
    return cmp();
  }

  std::unique_ptr<Node> cmp() {
    auto left = sum();
    static const std::pair<const char*, NodeKind> kOps[] = {{"==", NodeKind::kEq}, {"!=", NodeKind::kNe},
                                                            {"<=", NodeKind::kLe}, {">=", NodeKind::kGe},
                                                            {"<", NodeKind::kLt},  {">", NodeKind::kGt}};
    for (const auto& [op, kind] : kOps) {
      if (is_op(op)) {
        Token at = cur_;
        advance();
        auto n = binary(kind, at, std::move(left), sum());
        for (const auto& [op2, unused] : kOps) {
          if (is_op(op2)) fail(cur_, "comparisons cannot be chained; use 'and'");
        }
        return n;
      }
    }
    return left;
  }

  std::unique_ptr<Node> sum() {
    auto left = prod();
    while (is_op("+") || is_op("-")) {
      Token at = cur_;
      advance();
      left = binary(at.text == "+" ? NodeKind::kAdd : NodeKind::kSub, at, std::move(left), prod());
    }
    return left;
  }

  std::unique_ptr<Node> prod() {
    auto left = unary();
    while (is_op("*") || is_op("/")) {
      Token at = cur_;
      advance();
      left = binary(at.text == "*" ? NodeKind::kMul : NodeKind::kDiv, at, std::move(left), unary());
    }
    return left;
  }

  std::unique_ptr<Node> unary() {
    if (is_op("-")) {
      Depth d(*this);
      Token at = cur_;
      advance();
      auto n = make(NodeKind::kNeg, at);
      n->args.push_back(unary());
      n->end = n->args.back()->end;
      return n;
    }
    return post();
  }

  std::unique_ptr<Node> post() {
    Token start = cur_;
    auto p = primary();
    if (is_op("[")) {
      Token at = cur_;
      advance();
      int sign = 1;
      if (is_op("-")) {
        sign = -1;
        advance();
      } else if (is_op("+")) {
        advance();
      }
      if (cur_.type != Tok::kNumber || cur_.number != std::floor(cur_.number) || cur_.number > 100) {
        fail(cur_, "expected a whole number of years inside [ ], such as [-1], got " + show(cur_));
      }
      const int lag = sign * static_cast<int>(cur_.number);
      advance();
      const std::size_t close = cur_.end;
      expect("]", "to close the year offset");
      auto n = make(NodeKind::kLag, start);
      n->begin = p->begin;
      n->end = close;
      n->lag = lag;
      n->args.push_back(std::move(p));
      (void)at;
      return n;
    }
    return p;
  }

  std::unique_ptr<Node> primary() {
    Token t = cur_;
    switch (t.type) {
      case Tok::kNumber: {
        advance();
        auto n = make(NodeKind::kNumber, t);
        n->number = t.number;
        return n;
      }
      case Tok::kString: {
        advance();
        auto n = make(NodeKind::kString, t);
        n->text = t.text;
        return n;
      }
      case Tok::kName: {
        if (t.text == "true" || t.text == "false") {
          advance();
          auto n = make(NodeKind::kBool, t);
          n->number = t.text == "true" ? 1 : 0;
          return n;
        }
        if (t.text == "and" || t.text == "or" || t.text == "not") fail(t, "expected a value, got '" + t.text + "'");
        advance();
        if (!is_op("(")) {
          auto n = make(NodeKind::kName, t);
          n->text = t.text;
          return n;
        }
        advance();
        auto n = make(NodeKind::kCall, t);
        n->text = t.text;
        if (!is_op(")")) {
          while (true) {
            std::string keyword;
            std::pair<int, int> keyword_at{cur_.line, cur_.column};
            if (cur_.type == Tok::kName) {
              // Look ahead for "name :" without consuming a general expression.
              const auto saved_pos = pos_;
              const auto saved_line = line_, saved_col = col_;
              const Token saved = cur_;
              advance();
              if (is_op(":")) {
                keyword = saved.text;
                keyword_at = {saved.line, saved.column};
                advance();
              } else {
                pos_ = saved_pos;
                line_ = saved_line;
                col_ = saved_col;
                cur_ = saved;
              }
            }
            n->arg_names.push_back(keyword);
            n->arg_name_at.push_back(keyword_at);
            n->args.push_back(expr());
            if (is_op(",")) {
              advance();
              continue;
            }
            break;
          }
        }
        n->end = cur_.end;
        expect(")", "to close the call of " + t.text + "()");
        return n;
      }
      case Tok::kOp:
        if (t.text == "(") {
          Depth d(*this);
          advance();
          auto inner = expr();
          const std::size_t close = cur_.end;
          expect(")", "to close '('");
          // The parentheses belong to the inner expression's text.
          inner->begin = t.begin;
          inner->end = close;
          return inner;
        }
        fail(t, "expected a value, got " + show(t));
      case Tok::kEnd:
        fail(t, "unexpected end of expression");
    }
    fail(t, "unexpected " + show(t));
  }

  const std::string& text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  int line_ = 1, col_ = 1;
  Token cur_;
  int depth_ = 0;
  int nodes_ = 0;
};

}  // namespace

std::string caret_message(const std::string& text, int line, int column, const std::string& message) {
  // Find the line.
  std::size_t begin = 0;
  for (int l = 1; l < line && begin < text.size(); ++l) {
    auto nl = text.find('\n', begin);
    if (nl == std::string::npos) break;
    begin = nl + 1;
  }
  auto end = text.find('\n', begin);
  std::string src = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (src.size() > 200) {
    // Keep the neighbourhood of the column on very long lines.
    std::size_t from = column > 80 ? static_cast<std::size_t>(column - 80) : 0;
    from = std::min(from, src.size());
    src = src.substr(from, 160);
    column -= static_cast<int>(from);
  }
  // A column past the shown text (a token spanning lines) puts the caret just after it.
  column = std::max(1, std::min(column, static_cast<int>(src.size()) + 1));
  std::string caret(static_cast<std::size_t>(column - 1), ' ');
  return message + "\n  " + src + "\n  " + caret + "^";
}

std::unique_ptr<Node> parse_expression(const std::string& text, const std::string& source) {
  return Parser(text, source).parse();
}

}  // namespace detail

}  // namespace civicplan

namespace civicplan {

namespace {
void collect(const detail::Node& n, detail::NodeKind kind, std::vector<std::string>& out) {
  if (n.kind == kind) out.push_back(n.text);
  for (const auto& a : n.args) collect(*a, kind, out);
}
std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
}  // namespace

Expression Expression::parse(const std::string& text, const std::string& source) {
  Expression e;
  e.text_ = text;
  e.root_ = detail::parse_expression(text, source);
  return e;
}

std::vector<std::string> Expression::names() const {
  std::vector<std::string> out;
  if (root_) collect(*root_, detail::NodeKind::kName, out);
  return sorted_unique(std::move(out));
}

std::vector<std::string> Expression::functions() const {
  std::vector<std::string> out;
  if (root_) collect(*root_, detail::NodeKind::kCall, out);
  return sorted_unique(std::move(out));
}

}  // namespace civicplan
