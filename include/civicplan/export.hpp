// SPDX-License-Identifier: Apache-2.0
// CIVICPLAN_API marks the symbols a shared civicplan exports.
#pragma once

#if defined(CIVICPLAN_STATIC)
#define CIVICPLAN_API
#elif defined(_WIN32)
#if defined(CIVICPLAN_BUILDING)
#define CIVICPLAN_API __declspec(dllexport)
#else
#define CIVICPLAN_API __declspec(dllimport)
#endif
#else
#define CIVICPLAN_API __attribute__((visibility("default")))
#endif
