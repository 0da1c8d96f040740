// SPDX-License-Identifier: Apache-2.0
// The expression language shared by indicators and certification rules (DESIGN §5).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "civicplan/export.hpp"

namespace civicplan {

namespace detail { struct Node; }

/// A syntax-checked expression. Names and functions are resolved against a workspace
/// when the indicator or ruleset that uses the expression is loaded.
class CIVICPLAN_API Expression {
 public:
  /// Parses `text`; throws ParseError with line, column and a caret line.
  static Expression parse(const std::string& text, const std::string& source = "<expression>");
  const std::string& text() const { return text_; }
  /// The bare names (statistics) the expression reads, sorted and distinct.
  std::vector<std::string> names() const;
  /// The functions it calls, sorted and distinct.
  std::vector<std::string> functions() const;

 private:
  std::string text_;
  std::shared_ptr<const detail::Node> root_;
};

/// Every function name of the language.
CIVICPLAN_API const std::vector<std::string>& expression_functions();

}  // namespace civicplan
