// SPDX-License-Identifier: Apache-2.0
// Umbrella header: includes every public civicplan header.
#pragma once

#include "civicplan/bundle.hpp"
#include "civicplan/certification.hpp"
#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "civicplan/expression.hpp"
#include "civicplan/execution.hpp"
#include "civicplan/export.hpp"
#include "civicplan/indicator.hpp"
#include "civicplan/model.hpp"
#include "civicplan/opendata.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/lifecycle.hpp"
#include "civicplan/money.hpp"
#include "civicplan/plan.hpp"
#include "civicplan/records.hpp"
#include "civicplan/registry.hpp"
#include "civicplan/taxonomy.hpp"
#include "civicplan/user.hpp"
#include "civicplan/version.hpp"
#include "civicplan/workspace.hpp"
