// SPDX-License-Identifier: Apache-2.0
// The C API of include/civicplan/c.h: handles, the error JSON and cp_call's checks. Every entry
// point catches everything; the methods themselves are in methods.cpp.
#include "civicplan/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/version.hpp"
#include "civicplan/workspace.hpp"
#include "method_table.hpp"

struct cp_workspace {
  civicplan::Workspace ws;
};

namespace civicplan::c_api {
namespace {

using nlohmann::json;

thread_local std::string last_error;

// The fallback when even the error JSON cannot be made.
constexpr const char* kOutOfMemory = R"({"error":"Error","message":"out of memory"})";

cp_status status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kParse: return CP_PARSE_ERROR;
    case ErrorCode::kValidation: return CP_VALIDATION_ERROR;
    case ErrorCode::kNotFound: return CP_NOT_FOUND;
    case ErrorCode::kPermission: return CP_PERMISSION_ERROR;
    case ErrorCode::kConflict: return CP_CONFLICT;
    case ErrorCode::kCycle: return CP_CYCLE_ERROR;
    case ErrorCode::kStorage: return CP_STORAGE_ERROR;
    case ErrorCode::kUsage: return CP_USAGE_ERROR;
  }
  return CP_ERROR;
}

const char* class_of(cp_status status) {
  switch (status) {
    case CP_OK: return "";
    case CP_ERROR: return "Error";
    case CP_PARSE_ERROR: return "ParseError";
    case CP_VALIDATION_ERROR: return "ValidationError";
    case CP_NOT_FOUND: return "NotFoundError";
    case CP_PERMISSION_ERROR: return "PermissionError";
    case CP_CONFLICT: return "ConflictError";
    case CP_CYCLE_ERROR: return "CycleError";
    case CP_STORAGE_ERROR: return "StorageError";
    case CP_USAGE_ERROR: return "UsageError";
  }
  return "Error";
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A failure: its status and its error JSON.
struct Failure {
  cp_status status;
  std::string text;
};

Failure failure(cp_status status, const std::string& message, json extra = json::object()) {
  json j = {{"error", class_of(status)}, {"message", message}};
  for (auto& [key, value] : extra.items()) j[key] = std::move(value);
  return {status, dump(j)};
}

// The failure of the exception being handled; call only inside a catch block.
Failure current_failure() {
  try {
    throw;
  } catch (const ValidationError& e) {
    json issues = json::array();
    for (const auto& issue : e.issues()) issues.push_back({{"path", issue.path}, {"message", issue.message}});
    return failure(CP_VALIDATION_ERROR, e.what(), {{"issues", std::move(issues)}});
  } catch (const ParseError& e) {
    return failure(CP_PARSE_ERROR, e.what(), {{"source", e.source()}, {"line", e.line()}, {"column", e.column()}});
  } catch (const NotFoundError& e) {
    return failure(CP_NOT_FOUND, e.what(), {{"kind", e.kind()}, {"id", e.id()}});
  } catch (const CycleError& e) {
    return failure(CP_CYCLE_ERROR, e.what(), {{"cycle", e.cycle()}});
  } catch (const Error& e) {
    return failure(status_of(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return {CP_ERROR, kOutOfMemory};
  } catch (const std::exception& e) {
    return failure(CP_ERROR, std::string("internal error: ") + e.what());
  } catch (...) {
    return failure(CP_ERROR, "internal error: an unknown exception");
  }
}

// Records a failure as this thread's last error; returns its status.
cp_status record(Failure f) noexcept {
  try {
    last_error = std::move(f.text);
  } catch (...) {
    last_error.clear();
  }
  return f.status;
}

// The failure of the exception being handled, recorded; call only inside a catch block.
cp_status record_current() noexcept {
  try {
    return record(current_failure());
  } catch (...) {
    return record({CP_ERROR, kOutOfMemory});
  }
}

// A copy of `text` the caller frees with cp_free; nullptr when memory ran out.
char* copy_out(const std::string& text) noexcept {
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p) std::memcpy(p, text.c_str(), text.size() + 1);
  return p;
}

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool valid_utf8(const char* text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text);
  while (*s) {
    const unsigned char c = *s;
    int n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++s;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    for (int i = 1; i <= n; ++i) {
      if ((s[i] & 0xC0) != 0x80) return false;  // also stops at the terminating NUL
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    s += n + 1;
  }
  return true;
}

// Checks a string argument of an entry point.
void require_text(const char* value, const char* what) {
  if (!value) throw UsageError(std::string(what) + " is NULL");
  if (!valid_utf8(value)) throw UsageError(std::string(what) + " is not valid UTF-8");
}

json parse_arguments(const char* args_json) {
  require_text(args_json, "args_json");
  try {
    return parse_json(args_json, "args_json");
  } catch (const ParseError& e) {
    throw UsageError(std::string("malformed arguments: ") + e.what());
  }
}

std::string run(cp_workspace* handle, const char* method, const char* args_json) {
  if (!handle) throw UsageError("the workspace handle is NULL");
  require_text(method, "method");
  const json args = parse_arguments(args_json);
  const Method& m = find_method(method);
  const Arguments arguments = check_arguments(m, args);
  return dump(m.run(handle->ws, arguments));
}

}  // namespace
}  // namespace civicplan::c_api

using namespace civicplan::c_api;

extern "C" {

int cp_abi_version(void) { return CIVICPLAN_C_ABI_VERSION; }

const char* cp_version(void) { return CIVICPLAN_VERSION_STRING; }

cp_status cp_open(const char* location, int read_only, cp_workspace** out) {
  if (!out) return record(failure(CP_USAGE_ERROR, "cp_open: out is NULL"));
  *out = nullptr;
  try {
    if (location && !valid_utf8(location)) throw UsageError("cp_open: location is not valid UTF-8");
    if (!location || !*location) {
      if (read_only) throw UsageError("cp_open: an in-memory workspace cannot be read-only");
      *out = new cp_workspace{civicplan::Workspace()};
    } else {
      *out = new cp_workspace{civicplan::Workspace::open(location, read_only != 0)};
    }
    return CP_OK;
  } catch (...) {
    return record_current();
  }
}

cp_status cp_as_user(cp_workspace* ws, const char* user_id, cp_workspace** out) {
  if (!out) return record(failure(CP_USAGE_ERROR, "cp_as_user: out is NULL"));
  *out = nullptr;
  try {
    if (!ws) throw UsageError("cp_as_user: the workspace handle is NULL");
    require_text(user_id, "cp_as_user: user_id");
    *out = new cp_workspace{ws->ws.as_user(user_id)};
    return CP_OK;
  } catch (...) {
    return record_current();
  }
}

void cp_close(cp_workspace* ws) {
  try {
    delete ws;
  } catch (...) {
    // A destructor that fails (storage gone) has nothing left to report to.
  }
}

cp_status cp_call(cp_workspace* ws, const char* method, const char* args_json, char** result_json) {
  if (!result_json) return record(failure(CP_USAGE_ERROR, "cp_call: result_json is NULL"));
  *result_json = nullptr;
  cp_status status = CP_OK;
  std::string text;
  try {
    text = run(ws, method, args_json);
  } catch (...) {
    status = record_current();
    try {
      text = last_error;
    } catch (...) {
      text = kOutOfMemory;
    }
  }
  *result_json = copy_out(text);
  if (!*result_json && status == CP_OK) {
    status = record({CP_ERROR, kOutOfMemory});
  }
  return status;
}

void cp_free(char* p) { std::free(p); }

const char* cp_last_error(void) { return last_error.c_str(); }

}  // extern "C"
