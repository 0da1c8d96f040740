<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** The database failed, is read-only or went away. */
class StorageError extends Error
{
}
