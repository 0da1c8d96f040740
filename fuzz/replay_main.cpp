// SPDX-License-Identifier: Apache-2.0
// Runs a fuzz target on files, without libFuzzer: how the seed corpora and every input a
// fuzzer found are replayed in the ordinary (and sanitizer) test builds.
//
//   replay_<target> FILE|DIR... [--lines FILE]...
//
// Each file (each file under a directory) is one input; with --lines each line of FILE is.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::vector<std::string> lines;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--lines" && i + 1 < argc) {
      std::ifstream in(argv[++i], std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", argv[i]);
        return 2;
      }
      for (std::string line; std::getline(in, line);) lines.push_back(line);
      continue;
    }
    const fs::path arg(argv[i]);
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  for (const auto& line : lines) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(line.data()), line.size());
  }
  const std::size_t n = files.size() + lines.size();
  std::printf("replayed %zu inputs\n", n);
  return n == 0 ? 1 : 0;
}
