<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** Memberships, categories or plans that must not form a cycle do; getCycle() lists its members. */
class CycleError extends Error
{
    /** @return list<string> */
    public function getCycle(): array
    {
        return array_values(array_map('strval', $this->getDetails()['cycle'] ?? []));
    }
}
