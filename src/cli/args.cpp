// SPDX-License-Identifier: Apache-2.0
// Command-line argument parsing for the civicplan tool: verb specs, parsed args, usage errors.
#include "args.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>
#include <sstream>

namespace civicplan::cli {

namespace {

constexpr std::size_t kHelpWidth = 80;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Edit distance counting an adjacent transposition as one edit ("improt" -> "import").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

const OptionSpec* find_option(const VerbSpec& spec, const std::string& name) {
  for (const auto& option : spec.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::vector<std::string> option_names(const VerbSpec& spec) {
  std::vector<std::string> names{"--help"};
  for (const auto& option : spec.options) names.push_back("--" + option.name);
  return names;
}

// A lone "-" or a negative number is a value, not an option.
bool looks_like_option(const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  return !(std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.');
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string option_synopsis(const OptionSpec& option) {
  std::string text = "--" + option.name;
  if (!option.value_name.empty()) {
    text += " " + (option.choices.empty() ? option.value_name : join(option.choices, "|"));
  }
  return text;
}

// Writes `text` word-wrapped to kHelpWidth, every line indented by `indent` except the first,
// which continues at column `indent` already.
void write_wrapped(std::ostream& out, const std::string& text, std::size_t indent) {
  std::istringstream words(text);
  std::string word;
  std::size_t column = indent;
  bool first = true;
  while (words >> word) {
    if (!first && column + 1 + display_width(word) > kHelpWidth) {
      out << '\n' << std::string(indent, ' ');
      column = indent;
      first = true;
    }
    if (!first) {
      out << ' ';
      ++column;
    }
    out << word;
    column += display_width(word);
    first = false;
  }
  out << '\n';
}

void write_entries(std::ostream& out,
                   const std::vector<std::pair<std::string, std::string>>& entries) {
  std::size_t width = 0;
  for (const auto& entry : entries) width = std::max(width, display_width(entry.first));
  for (const auto& entry : entries) {
    out << "  " << entry.first << std::string(width - display_width(entry.first) + 2, ' ');
    write_wrapped(out, entry.second, width + 4);
  }
}

}  // namespace

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

bool wants_help(const std::vector<std::string>& argv) {
  for (const auto& arg : argv) {
    if (arg == "--") return false;
    if (arg == "-h" || arg == "--help") return true;
  }
  return false;
}

Args parse_args(const VerbSpec& spec, const std::vector<std::string>& argv) {
  Args args;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_done || !looks_like_option(arg)) {
      args.add_positional(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.compare(0, 2, "--") != 0) {
      throw UsageError("unknown option " + arg + did_you_mean(arg, option_names(spec)), spec.name);
    }
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const OptionSpec* option = find_option(spec, name);
    if (option == nullptr) {
      const std::string shown = "--" + name;
      throw UsageError("unknown option " + shown + did_you_mean(shown, option_names(spec)),
                       spec.name);
    }
    if (!option->repeatable && args.has(name)) {
      throw UsageError("option --" + name + " given more than once", spec.name);
    }
    std::string value;
    if (option->value_name.empty()) {
      if (eq != std::string::npos)
        throw UsageError("option --" + name + " takes no value", spec.name);
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argv.size() && !looks_like_option(argv[i + 1])) {
      value = argv[++i];
    } else {
      throw UsageError("option --" + name + " needs a value (" + option->value_name + ")",
                       spec.name);
    }
    if (!option->choices.empty() &&
        std::find(option->choices.begin(), option->choices.end(), value) == option->choices.end()) {
      throw UsageError("invalid value \"" + value + "\" for --" + name + "; expected one of " +
                           join(option->choices, ", ") + did_you_mean(value, option->choices),
                       spec.name);
    }
    args.add_option(name, std::move(value));
  }

  const auto& given = args.positionals();
  std::size_t fixed = 0;
  bool variadic = false;
  for (const auto& positional : spec.positionals) {
    if (positional.variadic) {
      variadic = true;
    } else {
      ++fixed;
    }
  }
  const std::size_t required = fixed + (variadic ? 1 : 0);
  if (given.size() < required) {
    const auto& missing = spec.positionals[std::min(given.size(), spec.positionals.size() - 1)];
    throw UsageError("missing argument " + missing.name + (missing.variadic ? "..." : ""),
                     spec.name);
  }
  if (!variadic && given.size() > fixed) {
    throw UsageError("unexpected argument \"" + given[fixed] + "\"", spec.name);
  }
  return args;
}

std::optional<std::string> suggest(const std::string& word,
                                   const std::vector<std::string>& candidates) {
  const std::string needle = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  std::vector<std::string> prefixed;
  for (const auto& candidate : candidates) {
    const std::string hay = lower(candidate);
    if (needle.size() >= 2 && hay.compare(0, needle.size(), needle) == 0)
      prefixed.push_back(candidate);
    const std::size_t distance = edit_distance(needle, hay);
    const std::size_t allowed = hay.size() >= 5 ? 2 : 1;
    if (distance > allowed || distance >= std::max(hay.size(), needle.size())) continue;
    if (!best || distance < best_distance || (distance == best_distance && candidate < *best)) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best) return best;
  if (prefixed.size() == 1) return prefixed.front();
  return std::nullopt;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto hint = suggest(word, candidates);
  return hint ? " (did you mean \"" + *hint + "\"?)" : std::string();
}

std::string usage_line(const VerbSpec& spec) {
  std::string line = "civicplan " + spec.name;
  for (const auto& positional : spec.positionals) {
    line += " " + positional.name + (positional.variadic ? "..." : "");
  }
  for (const auto& option : spec.options) {
    line += " [" + option_synopsis(option) + (option.repeatable ? "]..." : "]");
  }
  return line;
}

void print_verb_help(std::ostream& out, const VerbSpec& spec) {
  out << "usage: " << usage_line(spec) << "\n\n";
  out << spec.summary << "\n";
  if (!spec.description.empty()) out << "\n" << spec.description << "\n";
  if (!spec.positionals.empty()) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& positional : spec.positionals) {
      entries.emplace_back(positional.name + (positional.variadic ? "..." : ""), positional.help);
    }
    out << "\narguments:\n";
    write_entries(out, entries);
  }
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& option : spec.options) {
    std::string help = option.help;
    if (option.repeatable) help += " (may be repeated)";
    entries.emplace_back(option_synopsis(option), help);
  }
  entries.emplace_back("-h, --help", "show this help and exit");
  out << "\noptions:\n";
  write_entries(out, entries);
  if (!spec.examples.empty()) {
    out << "\n" << (spec.examples.size() == 1 ? "example" : "examples") << ":\n";
    for (const auto& example : spec.examples) out << "  " << example << "\n";
  }
}

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace civicplan::cli
