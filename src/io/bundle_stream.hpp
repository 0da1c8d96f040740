// SPDX-License-Identifier: Apache-2.0
// Reading a bundle file into the model while it is parsed.
#pragma once

#include <string>

#include "io/bundle_parse.hpp"

namespace civicplan::detail {

/// Reads the bundle file at `path` into a model as parse_bundle(read_json_file(path)) would,
/// reporting the same issues to `r` and origins, without holding the file's text or its whole
/// JSON tree: the file is read in blocks and each element of a top-level array is converted
/// as soon as it is parsed, then dropped. Throws NotFoundError when the file cannot be opened
/// and, for text that is not valid JSON (or nests too deep, or repeats a key), the same
/// ParseError with line and column as read_json_file.
Model read_bundle_file(const std::string& path, Reader& r, Origins& origins);

}  // namespace civicplan::detail
