<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/** Malformed JSON, CSV or formula text in the data; getSource(), getLine() and getSourceColumn() say where. */
class ParseError extends Error
{
    public function getSource(): string
    {
        return (string)($this->getDetails()['source'] ?? '');
    }

    public function getSourceLine(): int
    {
        return (int)($this->getDetails()['line'] ?? 0);
    }

    public function getSourceColumn(): int
    {
        return (int)($this->getDetails()['column'] ?? 0);
    }
}
