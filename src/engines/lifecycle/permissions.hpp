// SPDX-License-Identifier: Apache-2.0
// Role checks for a user view of a workspace (DESIGN §8).
#pragma once

#include <string>

#include "civicplan/model.hpp"

namespace civicplan::detail {

/// What one user may do on one model state. Refusals throw PermissionError naming the user,
/// their roles, the operation and the object.
class Permissions {
 public:
  Permissions(const Model& model, const User& user);

  /// Editors of the plan's body (and admins whose scope holds it) write its drafts.
  void require_editor(const Plan& plan, const std::string& operation) const;
  /// Reviewers (and admins) of a body whose scope holds the plan's body in its period.
  void require_reviewer(const Plan& plan, const std::string& operation) const;
  /// Admins manage users, taxonomies, indicators, rulesets and bodies.
  void require_admin(const std::string& object, const std::string& operation) const;
  /// Editors (or admins) of `body` or of a body whose scope holds it in `year`.
  void require_body_editor(const std::string& body, int year, const std::string& object,
                           const std::string& operation) const;
  /// Checks an import object by object.
  void check_import(const Model& delta) const;

 private:
  bool holds(Role role, const std::string& body, int from, int to, bool exact) const;
  [[noreturn]] void refuse(const std::string& operation, const std::string& object, const std::string& needs) const;
  std::string roles_text() const;

  const Model& model_;
  const User& user_;
  Registry registry_;
};

}  // namespace civicplan::detail
