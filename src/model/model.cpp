// SPDX-License-Identifier: Apache-2.0
// The model container: merging and counting.
#include "civicplan/model.hpp"


namespace civicplan {

void Model::merge(const Model& o) {
  each_kind(
      // Shared, not copied: the merged model and `o` hold the same objects.
      [](const char*, auto& mine, const auto& theirs) { mine.merge_shared(theirs); },
      *this, o);
}

std::map<std::string, std::size_t> Model::counts() const {
  std::map<std::string, std::size_t> out;
  each_kind([&](const char* kind, const auto& objects) { out[kind] = objects.size(); }, *this);
  std::size_t actions = 0;
  for (const auto& kv : plans) actions += kv.second.actions.size();
  out["actions"] = actions;
  return out;
}

bool Model::empty() const {
  bool empty = true;
  each_kind([&](const char*, const auto& objects) { empty = empty && objects.empty(); }, *this);
  return empty;
}

bool Model::operator==(const Model& o) const {
  bool equal = true;
  each_kind([&](const char*, const auto& mine, const auto& theirs) { equal = equal && mine == theirs; }, *this, o);
  return equal;
}

const std::vector<std::string>& bundle_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    const Model none;
    Model::each_kind([&](const char* kind, const auto&) { out.emplace_back(kind); }, none);
    return out;
  }();
  return kinds;
}

const Action* find_action(const Model& model, const std::string& ref) {
  auto slash = ref.find('/');
  if (slash == std::string::npos) return nullptr;
  auto plan = model.plans.find(ref.substr(0, slash));
  if (plan == model.plans.end()) return nullptr;
  return plan->second.find_action(ref.substr(slash + 1));
}

}  // namespace civicplan
