<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** The acting user's roles do not allow the write. */
class PermissionError extends Error
{
}
