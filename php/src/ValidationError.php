<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/**
 * Bad data: every issue, each with its path (a JSON path such as
 * plans[3].actions[12].budget[0].planned, or FILE:LINE). Nothing was written.
 */
class ValidationError extends Error
{
    /** @return list<array{path: string, message: string}> Every issue, in the order found. */
    public function getIssues(): array
    {
        $issues = [];
        foreach ($this->getDetails()['issues'] ?? [] as $issue) {
            $issues[] = ['path' => (string)($issue['path'] ?? ''), 'message' => (string)($issue['message'] ?? '')];
        }
        return $issues;
    }

    /** @return list<string> The path of every issue. */
    public function getPaths(): array
    {
        return array_column($this->getIssues(), 'path');
    }
}
