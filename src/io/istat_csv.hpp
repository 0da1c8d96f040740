// SPDX-License-Identifier: Apache-2.0
// The reader of ISTAT's list of Italian municipalities (Elenco dei comuni italiani, DESIGN §16).
#pragma once

#include <string>
#include <vector>

#include "civicplan/records.hpp"
#include "civicplan/registry.hpp"

namespace civicplan::detail {

/// The id prefixes of the bodies the list describes above its municipalities: the
/// supra-municipal territorial units (`it-uts-022`) and the regions (`it-reg-04`).
inline constexpr const char* kIstatProvincePrefix = "it-uts-";
inline constexpr const char* kIstatRegionPrefix = "it-reg-";

/// A body of the list and the line of the first row that describes it.
struct IstatBody {
  Body body;
  int line = 0;
};

/// A legal population figure and the line of its row.
struct IstatFigure {
  Statistic statistic;
  int line = 0;
};

/// What the list holds, as bodies (each with only the memberships and attributes the list
/// gives it) and the `population` statistics of its census year.
struct IstatRegistry {
  std::vector<IstatBody> municipalities;  ///< in file order, id = the 6-digit ISTAT code
  std::vector<IstatBody> provinces;       ///< in order of first appearance, id `it-uts-NNN`
  std::vector<IstatBody> regions;         ///< in order of first appearance, id `it-reg-NN`
  std::vector<IstatFigure> population;    ///< one per municipality
  int population_year = 0;                ///< the census year of the legal population column
};

/// Reads the list from the file's bytes (UTF-8 when well-formed, else Latin-1; `;`-separated;
/// columns found by their header names). Every problem is collected as a `SOURCE:LINE` issue
/// and thrown as one ValidationError.
IstatRegistry read_istat_csv(const std::string& bytes, const std::string& source);

/// True for a membership the list manages: one in an `it-uts-` or `it-reg-` body.
bool istat_managed_parent(const Membership& membership);

/// The attributes the list sets on bodies of `kind` (an attribute the list does not give a
/// body this time is one it no longer holds); empty for kinds the list does not describe.
const std::vector<std::string>& istat_attribute_keys(BodyKind kind);

}  // namespace civicplan::detail
