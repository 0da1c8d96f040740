<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** The call itself is wrong: an unknown method or argument, a wrong type, bad UTF-8. */
class UsageError extends Error
{
}
