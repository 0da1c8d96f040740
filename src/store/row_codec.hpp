// SPDX-License-Identifier: Apache-2.0
// The row codec every backend shares: an object is stored as its key columns (which each
// backend binds itself) plus its JSON document. Documents are written by two threads ahead of
// the inserts and parsed by two threads a block at a time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/error.hpp"
#include "io/bundle_parse.hpp"
#include "io/json_reader.hpp"

namespace civicplan::detail {

/// The key by which Changes names an object: its id, or its record key.
template <class T>
const std::string& change_key(const std::pair<const std::string, T>& kv) { return kv.first; }
inline std::string change_key(const std::pair<const StatisticKey, Statistic>& kv) { return statistic_key(kv.second); }
inline std::string change_key(const std::pair<const CertificationKey, CertificationRecord>& kv) {
  return certification_key(kv.second);
}
inline std::string change_key(const std::pair<const LedgerKey, LedgerEntry>& kv) { return ledger_key(kv.second); }
inline std::string change_key(const Feedback& f) { return feedback_key(f); }

/// The JSON document of an object, as stored.
template <class T>
std::string encode(const T& object) {
  return nlohmann::json(object).dump();
}

inline constexpr std::size_t kSerialiseBlock = 256;
inline constexpr std::size_t kSerialiseAhead = 2;

/// Calls `insert(object, its document)` for every object of `map` in order. The documents are
/// written on other threads, two blocks ahead of the inserts (writing JSON costs several times
/// what inserting it does, so two writers keep a two-core machine busy). Pending writers are
/// waited for before the objects they read go away; a writer's exception reaches the caller.
template <class Map, class Insert>
void serialised(const Map& map, Insert insert) {
  using Object = typename Map::mapped_type;
  std::vector<const Object*> objects;
  objects.reserve(map.size());
  for (const auto& kv : map) objects.push_back(&kv.second);
  auto serialise = [&objects](std::size_t from) {
    std::vector<std::string> texts;
    for (std::size_t i = from; i < std::min(from + kSerialiseBlock, objects.size()); ++i) {
      texts.push_back(encode(*objects[i]));
    }
    return texts;
  };
  // Declared after `objects`: on an exception the pending writers are waited for first.
  std::deque<std::future<std::vector<std::string>>> pending;
  std::size_t queued = 0;  // the first object not yet handed to a writer
  auto queue = [&] {
    while (pending.size() < kSerialiseAhead && queued < objects.size()) {
      pending.push_back(std::async(std::launch::async, serialise, queued));
      queued += kSerialiseBlock;
    }
  };
  queue();
  for (std::size_t from = 0; from < objects.size(); from += kSerialiseBlock) {
    const std::vector<std::string> texts = pending.front().get();
    pending.pop_front();
    queue();
    for (std::size_t k = 0; k < texts.size(); ++k) insert(*objects[from + k], texts[k]);
  }
}

/// Rows read for parse_documents: (where, for messages; document text).
using DocumentRows = std::vector<std::pair<std::string, std::string>>;
inline constexpr std::size_t kDocumentBlock = 512;

/// Parses stored documents a block at a time on two threads: a second thread parses one
/// block while this one reads and parses the next. `read(rows)` appends up to kDocumentBlock
/// rows (none at the end); `parse_object(json, where, reader)` returns an optional object;
/// `keep(object)` takes each parsed object, and `issues` each problem, in row order.
template <class Read, class ParseObject, class Keep>
void parse_documents(Read read, ParseObject parse_object, Keep keep, std::vector<Issue>& issues) {
  using Json = nlohmann::json;
  using Object = typename decltype(parse_object(std::declval<const Json&>(), std::string(),
                                                std::declval<Reader&>()))::value_type;
  struct Parsed {
    std::vector<std::optional<Object>> objects;
    std::vector<Issue> issues;
  };
  auto parse_rows = [&parse_object](const DocumentRows& rows) {
    Parsed out;
    Reader reader(out.issues);
    for (const auto& [where, text] : rows) {
      Json j;
      try {
        j = Json::parse(text);
      } catch (const Json::exception& e) {
        out.issues.push_back({where, std::string("stored JSON is unreadable: ") + e.what()});
      }
      out.objects.push_back(parse_object(j, where, reader));
    }
    return out;
  };
  auto take = [&](Parsed&& p) {
    for (auto& issue : p.issues) issues.push_back(std::move(issue));
    for (auto& o : p.objects) {
      if (o) keep(std::move(*o));
    }
  };
  for (;;) {
    DocumentRows first;
    read(first);
    if (first.empty()) break;
    auto other = std::async(std::launch::async, parse_rows, std::cref(first));
    DocumentRows second;
    read(second);
    Parsed here = parse_rows(second);
    take(other.get());
    take(std::move(here));
  }
}

}  // namespace civicplan::detail
