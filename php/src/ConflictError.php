<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** A write was based on a stale revision. */
class ConflictError extends Error
{
}
