<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/**
 * A civicplan workspace: in memory, a SQLite file or a PostgreSQL database, or a user's view
 * of one. Every method of the C API's table is a method here in camelCase, with the same
 * parameters (positional in the table's order, or named in camelCase or snake_case), arrays in
 * and arrays out; `call()` runs one by its C name. Errors are Civicplan\Error and its
 * subclasses (ValidationError with getIssues(), NotFoundError, PermissionError, ...).
 *
 *     $ws = Workspace::open('/var/lib/civicplan/family.db', readOnly: true);
 *     $report = $ws->certify('022104', 'family-in-trentino', 2022);
 *     echo $report['passed'] ? 'certified' : 'not yet';
 *
 * @method array importBundle(array|string $bundle)
 * @method array importStatisticsCsv(string $path)
 * @method array importIstat(string $path)
 * @method array importExecution(array|string $pathOrRows, bool $dryRun = false)
 * @method array validate(array|string $bundle)
 * @method array|null exportBundle(?string $path = null)
 * @method null exportOpenData(string $dir, string $format = 'csv')
 * @method array indicators()
 * @method array computeIndicators(array|string|null $ids = null, array|string|null $bodies = null, array|int|null $years = null)
 * @method array rulesets()
 * @method array certify(string $body, string $scheme, int $year, bool $preview = false, bool $explain = false, ?array $parameters = null)
 * @method array certifyAll(string $scheme, int $year, array|string|null $bodies = null, bool $preview = false, ?array $parameters = null)
 * @method float|int|null evaluate(string $expression, string $body, int $year, bool $preview = false)
 * @method array explain(string $target, string $body, int $year, bool $preview = false)
 * @method string report(string $body, int $year, string $lang = 'it')
 * @method array runCases(string $path)
 * @method bool refresh()
 * @method array body(string $id)
 * @method array plan(string $id)
 * @method array taxonomy(string $id)
 * @method array bodies()
 * @method array plans(?string $body = null, ?int $year = null)
 * @method array taxonomies()
 * @method array users()
 * @method array statistics()
 * @method array feedback()
 * @method array places()
 * @method array certifications()
 * @method int putPlan(array $plan, ?int $expectedRevision = null)
 * @method int submit(string $planId)
 * @method int approve(string $planId, string $date, string $act)
 * @method int reject(string $planId, string $reason)
 * @method int archive(string $planId)
 * @method int newVariant(string $planId, string $variant, string $newId)
 * @method null putUser(array $user)
 * @method array history(string $planId)
 * @method array planRevision(string $planId, int $revision)
 * @method array auditLog(?string $since = null, ?string $object = null)
 * @method array diff(string $a, string $b)
 * @method array planProgress(string $planId, string $date)
 * @method int recordProgress(string $plan, string $action, string $date, float|int $completion, ?string $note = null)
 * @method int recordActual(string $plan, string $action, int $year, string $source, int|float|string $amount)
 * @method int recordTarget(string $plan, string $action, string $metric, float|int $actual)
 * @method int setActionStatus(string $plan, string $action, string $status)
 * @method int recordEvaluation(string $plan, string $date, string $text)
 * @method array search(?string $text = null, ?string $category = null, ?string $bodyKind = null, array|string|null $population = null, array|int|null $years = null, int $limit = 20)
 * @method array recommend(string $body, int $year, int $k = 5, float $minShare = 0.5)
 * @method array peers(string $body, int $year)
 * @method float|int|null population(string $body, int $year)
 * @method array usage(string $taxonomy, array|string|null $bodies = null, array|int|null $years = null)
 * @method array nearDuplicates(float $threshold = 0.8, ?int $limit = 1000)
 * @method null addFeedback(string $action, int $rating, string $date, ?string $comment = null)
 * @method array methods()
 */
final class Workspace
{
    /** The parameter names of every method, by C name, read once per process from "methods". */
    private static ?array $parameters = null;

    private \FFI $ffi;
    private ?\FFI\CData $handle;

    private function __construct(\FFI $ffi, \FFI\CData $handle)
    {
        $this->ffi = $ffi;
        $this->handle = $handle;
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * Opens a workspace: null or '' is a new in-memory workspace, a file path a SQLite
     * workspace (created if absent), a postgresql:// URI a PostgreSQL one. With $readOnly
     * nothing is ever written (StorageError on a write).
     */
    public static function open(?string $location = null, bool $readOnly = false): self
    {
        $ffi = Library::ffi();
        if ($location !== null && str_contains($location, "\0")) {
            throw new UsageError('Workspace::open: the location contains a NUL byte');
        }
        $out = $ffi->new('cp_workspace*');
        $status = $ffi->cp_open($location, $readOnly ? 1 : 0, \FFI::addr($out));
        if ($status !== 0) {
            throw Error::fromCall($status, self::text($ffi->cp_last_error()));
        }
        return new self($ffi, $out);
    }

    /** A view of the same workspace whose writes are checked against the roles of $userId. */
    public function asUser(string $userId): self
    {
        if (str_contains($userId, "\0")) {
            throw new UsageError('asUser: the user id contains a NUL byte');
        }
        $out = $this->ffi->new('cp_workspace*');
        $status = $this->ffi->cp_as_user($this->live('asUser'), $userId, \FFI::addr($out));
        if ($status !== 0) {
            throw Error::fromCall($status, self::text($this->ffi->cp_last_error()));
        }
        return new self($this->ffi, $out);
    }

    /** Releases the handle (the workspace closes with its last handle); later calls raise UsageError. */
    public function close(): void
    {
        if ($this->handle !== null) {
            $this->ffi->cp_close($this->handle);
            $this->handle = null;
        }
    }

    /** The library version. */
    public static function version(): string
    {
        return self::text(Library::ffi()->cp_version());
    }

    /**
     * Runs a method by its C (Python) name with its arguments by name, and returns the result
     * decoded (arrays for JSON objects and arrays).
     *
     * @param array<string, mixed> $args
     */
    public function call(string $method, array $args = []): mixed
    {
        if (str_contains($method, "\0")) {
            throw new UsageError('the method name contains a NUL byte');
        }
        try {
            $json = json_encode((object)$args, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
                | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            throw new UsageError("$method: the arguments cannot be written as JSON: " . $e->getMessage());
        }
        $out = $this->ffi->new('char*');
        $status = $this->ffi->cp_call($this->live($method), $method, $json, \FFI::addr($out));
        $text = \FFI::isNull($out) ? null : \FFI::string($out);
        $this->ffi->cp_free($out);
        if ($status !== 0) {
            throw Error::fromCall($status, $text ?? self::text($this->ffi->cp_last_error()));
        }
        if ($text === null) {
            throw new Error("$method: no result (out of memory)");
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    }

    /**
     * camelCase methods: importBundle(...), computeIndicators(ids: [...]), certify(...), ...
     *
     * @param array<int|string, mixed> $arguments positional, or named in camelCase or snake_case
     */
    public function __call(string $name, array $arguments): mixed
    {
        $method = strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $name));
        $parameters = self::parameters($this)[$method] ?? null;
        if ($parameters === null) {
            // The C API names the closest method in its UsageError.
            return $this->call($method, []);
        }
        $args = [];
        $position = 0;
        foreach ($arguments as $key => $value) {
            if (is_int($key)) {
                if (!isset($parameters[$position])) {
                    throw new UsageError(sprintf('%s takes at most %d arguments, got %d', $name, count($parameters),
                        count($arguments)));
                }
                $args[$parameters[$position++]] = $value;
            } else {
                $args[strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $key))] = $value;
            }
        }
        return $this->call($method, $args);
    }

    /** @return array<string, list<string>> */
    private static function parameters(self $ws): array
    {
        if (self::$parameters === null) {
            $table = [];
            foreach ($ws->call('methods') as $method) {
                $table[$method['name']] = array_column($method['params'], 'name');
            }
            self::$parameters = $table;
        }
        return self::$parameters;
    }

    private function live(string $method): \FFI\CData
    {
        if ($this->handle === null) {
            throw new UsageError("$method: the workspace is closed");
        }
        return $this->handle;
    }

    /** A C string the library returned, as a PHP string. */
    private static function text(mixed $value): string
    {
        if (is_string($value)) {
            return $value;
        }
        if ($value instanceof \FFI\CData) {
            return \FFI::isNull($value) ? '' : \FFI::string($value);
        }
        return '';
    }
}
