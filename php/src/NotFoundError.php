<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** A named object (body, plan, indicator, file, ...) does not exist; getKind() and getId() say which. */
class NotFoundError extends Error
{
    public function getKind(): string
    {
        return (string)($this->getDetails()['kind'] ?? '');
    }

    public function getId(): string
    {
        return (string)($this->getDetails()['id'] ?? '');
    }
}
