// SPDX-License-Identifier: Apache-2.0
// The civicplan command: dispatches a verb and turns every error into a message and exit code.
#include <algorithm>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "args.hpp"
#include "civicplan/error.hpp"
#include "civicplan/version.hpp"
#include "commands.hpp"

namespace civicplan::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_tool_help(std::ostream& out) {
  out << "usage: civicplan VERB [ARGS...] [OPTIONS]\n"
         "       civicplan --version\n\n"
         "Plans of public bodies, their action taxonomies, certification rules and\n"
         "indicators, kept in a workspace file (SQLite).\n\n"
         "verbs:\n";
  std::size_t width = 0;
  for (const auto& verb : verbs()) width = std::max(width, verb.spec.name.size());
  for (const auto& verb : verbs()) {
    out << "  " << verb.spec.name << std::string(width - verb.spec.name.size() + 2, ' ')
        << verb.spec.summary << "\n";
  }
  out << "\noptions:\n"
         "  -h, --help  show this help and exit\n"
         "  --version   print the civicplan version and exit\n\n"
         "Run 'civicplan VERB --help' for the arguments and options of a verb.\n\n"
         "example:\n"
         "  civicplan import region.db bodies.json plans.json && civicplan info region.db\n";
}

std::vector<std::string> verb_names() {
  std::vector<std::string> names;
  for (const auto& verb : verbs()) names.push_back(verb.spec.name);
  return names;
}

std::string verb_list() {
  std::string list;
  for (const auto& name : verb_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

// Runs the tool on its arguments (without the program name); exceptions escape.
int dispatch(const std::vector<std::string>& argv, Io& io) {
  if (argv.empty()) throw UsageError("missing verb; expected one of " + verb_list(), "");
  const std::string& first = argv.front();
  if (first == "-h" || first == "--help") {
    print_tool_help(io.out);
    return kExitOk;
  }
  if (first == "--version") {
    io.out << "civicplan " << kVersion << "\n";
    return kExitOk;
  }
  if (first.size() > 1 && first[0] == '-') {
    throw UsageError("unknown option " + first + did_you_mean(first, {"--help", "--version"}), "");
  }
  const Verb* verb = find_verb(first);
  if (verb == nullptr)
    throw UsageError("unknown verb \"" + first + "\"" + did_you_mean(first, verb_names()), "");
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (wants_help(rest)) {
    print_verb_help(io.out, verb->spec);
    return kExitOk;
  }
  return verb->run(parse_args(verb->spec, rest), io);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Every failure becomes `civicplan: error: ...` lines on stderr and an exit code.
int run(const std::vector<std::string>& argv, Io& io) {
  int code = kExitFailure;
  try {
    code = dispatch(argv, io);
  } catch (const UsageError& e) {
    io.err << "civicplan: error: " << e.what() << "\n"
           << "run 'civicplan " << (e.verb().empty() ? "" : e.verb() + " ") << "--help'\n";
    return kExitUsage;
  } catch (const ValidationError& e) {
    for (const auto& issue : e.issues()) {
      io.err << "civicplan: error: " << (issue.path.empty() ? "" : issue.path + ": ")
             << issue.message << "\n";
    }
    if (e.issues().empty()) io.err << "civicplan: error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const Error& e) {
    io.err << "civicplan: error: " << e.what() << "\n";
    return e.code() == ErrorCode::kUsage ? kExitUsage : kExitFailure;
  } catch (const std::bad_alloc&) {
    io.err << "civicplan: error: out of memory\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    io.err << "civicplan: error: " << first_line(e.what()) << "\n";
    return kExitFailure;
  } catch (...) {
    io.err << "civicplan: error: unexpected failure\n";
    return kExitFailure;
  }
  io.out.flush();
  if (!io.out) {
    io.err << "civicplan: error: cannot write to standard output\n";
    return kExitFailure;
  }
  return code;
}

}  // namespace
}  // namespace civicplan::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  civicplan::cli::Io io{std::cout, std::cerr};
  return civicplan::cli::run(args, io);
}
