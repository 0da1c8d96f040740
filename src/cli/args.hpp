// SPDX-License-Identifier: Apache-2.0
// Command-line argument parsing for the civicplan tool: verb specs, parsed args, usage errors.
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "civicplan/error.hpp"

namespace civicplan::cli {

/// A mistake in how the tool was called (unknown verb or option, missing argument).
/// `verb` names the verb whose help the user should read; empty for the tool itself.
class UsageError : public Error {
 public:
  UsageError(const std::string& message, std::string verb)
      : Error(ErrorCode::kUsage, message), verb_(std::move(verb)) {}
  const std::string& verb() const noexcept { return verb_; }

 private:
  std::string verb_;
};

/// An option `--name [VALUE]`.
struct OptionSpec {
  std::string name;        ///< long name without dashes
  std::string value_name;  ///< empty for a flag that takes no value
  std::string help;
  std::vector<std::string> choices;  ///< allowed values; empty when any value goes
  bool repeatable = false;           ///< may be given several times (values accumulate)
};

/// A positional argument; `variadic` takes one or more values and must come last.
struct PositionalSpec {
  std::string name;
  std::string help;
  bool variadic = false;
};

/// The arguments of one verb after parsing.
class Args {
 public:
  const std::vector<std::string>& positionals() const { return positionals_; }
  /// The value of a single-valued option, if given.
  std::optional<std::string> value(const std::string& name) const;
  /// Every value of a repeatable option, in command-line order.
  std::vector<std::string> values(const std::string& name) const;
  /// True when a flag or option was given.
  bool has(const std::string& name) const { return options_.count(name) > 0; }

  void add_positional(std::string value) { positionals_.push_back(std::move(value)); }
  void add_option(const std::string& name, std::string value) {
    options_[name].push_back(std::move(value));
  }

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::vector<std::string>> options_;
};

/// What a verb accepts and how it explains itself in `--help`.
struct VerbSpec {
  std::string name;
  std::string summary;      ///< one line for the tool's help
  std::string description;  ///< paragraphs for the verb's help, lines already wrapped
  std::vector<PositionalSpec> positionals;
  std::vector<OptionSpec> options;
  std::vector<std::string> examples;
};

/// True when `-h` or `--help` appears before a `--` separator.
bool wants_help(const std::vector<std::string>& argv);

/// Parses a verb's arguments (`--name VALUE`, `--name=VALUE`, `--` ends options).
/// Throws UsageError for unknown options, missing values, bad choices and wrong
/// numbers of positionals.
Args parse_args(const VerbSpec& spec, const std::vector<std::string>& argv);

/// The candidate closest to `word` by edit distance when it is close enough to be a likely
/// typo (or `word` is a prefix of exactly one candidate); nullopt otherwise.
std::optional<std::string> suggest(const std::string& word,
                                   const std::vector<std::string>& candidates);

/// " (did you mean \"x\"?)" or an empty string.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// "civicplan VERB ARG... [--opt VALUE]" for the usage line.
std::string usage_line(const VerbSpec& spec);

/// The full help of a verb: usage, description, arguments, options, examples.
void print_verb_help(std::ostream& out, const VerbSpec& spec);

/// The number of characters (UTF-8 code points) of a string, for column alignment.
std::size_t display_width(const std::string& text);

}  // namespace civicplan::cli
