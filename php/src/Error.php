<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/**
 * Every error civicplan raises. The subclass names the class of the error (ValidationError,
 * NotFoundError, ...), as in C++ and Python; getDetails() holds the whole error JSON of the C API
 * ({error, message, issues?, source?, line?, column?, kind?, id?, cycle?}).
 */
class Error extends \RuntimeException
{
    /** The C API's status for each class (cp_status). */
    public const STATUSES = [
        1 => Error::class,
        2 => ParseError::class,
        3 => ValidationError::class,
        4 => NotFoundError::class,
        5 => PermissionError::class,
        6 => ConflictError::class,
        7 => CycleError::class,
        8 => StorageError::class,
        9 => UsageError::class,
    ];

    /** @var array<string, mixed> */
    private array $details;

    /** @param array<string, mixed> $details */
    final public function __construct(string $message, array $details = [], int $status = 1)
    {
        parent::__construct($message, $status);
        $this->details = $details + ['error' => (new \ReflectionClass($this))->getShortName(), 'message' => $message];
    }

    /** The error of a failed C API call, from its status and error JSON. */
    public static function fromCall(int $status, ?string $json): self
    {
        $details = [];
        if ($json !== null && $json !== '') {
            try {
                $decoded = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
                $details = is_array($decoded) ? $decoded : [];
            } catch (\JsonException $e) {
                $details = ['message' => $json];
            }
        }
        $class = self::STATUSES[$status] ?? Error::class;
        $message = (string)($details['message'] ?? 'civicplan call failed with status ' . $status);
        return new $class($message, $details, $status);
    }

    /** @return array<string, mixed> The error JSON of the C API, decoded. */
    public function getDetails(): array
    {
        return $this->details;
    }
}
