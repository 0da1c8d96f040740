<?php
// SPDX-License-Identifier: Apache-2.0
declare(strict_types=1);

namespace Civicplan;

/**
 * Finds and loads libcivicplan.so, once per process (one FFI instance per PHP-FPM worker).
 *
 * The library is, in this order: the file named by the environment variable CIVICPLAN_LIBRARY;
 * the one in the libdir `pkg-config --variable=libdir civicplan` names; the default install
 * prefix (/usr/local/lib, then /usr/lib). Under PHP-FPM with ffi.enable=preload, call
 * Library::preload() from the opcache.preload script: later requests then use the preloaded
 * scope "CIVICPLAN" without parsing any declaration again.
 */
final class Library
{
    /** The FFI scope preload() declares. */
    public const SCOPE = 'CIVICPLAN';

    /** The C ABI this package is written for (CIVICPLAN_C_ABI_VERSION). */
    public const ABI_VERSION = 1;

    /** The declarations of include/civicplan/c.h, without its preprocessor lines. */
    public const DECLARATIONS = <<<'C'
typedef struct cp_workspace cp_workspace;
typedef enum cp_status {
  CP_OK = 0,
  CP_ERROR,
  CP_PARSE_ERROR,
  CP_VALIDATION_ERROR,
  CP_NOT_FOUND,
  CP_PERMISSION_ERROR,
  CP_CONFLICT,
  CP_CYCLE_ERROR,
  CP_STORAGE_ERROR,
  CP_USAGE_ERROR
} cp_status;
int cp_abi_version(void);
const char* cp_version(void);
cp_status cp_open(const char* location, int read_only, cp_workspace** out);
cp_status cp_as_user(cp_workspace* ws, const char* user_id, cp_workspace** out);
void cp_close(cp_workspace* ws);
cp_status cp_call(cp_workspace* ws, const char* method, const char* args_json, char** result_json);
void cp_free(char* p);
const char* cp_last_error(void);
C;

    private static ?\FFI $ffi = null;
    private static ?string $path = null;

    /** The loaded library (loading it on the first call). Throws Error when it cannot be found. */
    public static function ffi(): \FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            throw new Error('civicplan needs PHP\'s FFI extension (ext-ffi, in Debian\'s php-cli and php-fpm)');
        }
        $ffi = null;
        if (ini_get('ffi.preload') || ini_get('opcache.preload')) {
            try {
                $ffi = \FFI::scope(self::SCOPE);
                self::$path = '(preloaded scope ' . self::SCOPE . ')';
            } catch (\Throwable $e) {
                $ffi = null;
            }
        }
        if ($ffi === null) {
            $path = self::find();
            try {
                $ffi = \FFI::cdef(self::DECLARATIONS, $path);
            } catch (\Throwable $e) {
                throw new Error("cannot load $path: " . $e->getMessage() . self::preloadHint());
            }
            self::$path = $path;
        }
        self::check($ffi);
        return self::$ffi = $ffi;
    }

    /** Where the library was loaded from, or null before the first load. */
    public static function path(): ?string
    {
        return self::$path;
    }

    /**
     * Finds libcivicplan.so: CIVICPLAN_LIBRARY, then pkg-config's libdir, then the default
     * install prefix. Throws Error naming every place it looked.
     */
    public static function find(): string
    {
        $tried = [];
        $env = getenv('CIVICPLAN_LIBRARY');
        if (is_string($env) && $env !== '') {
            if (is_file($env)) {
                return $env;
            }
            throw new Error("CIVICPLAN_LIBRARY names $env, which is not a file");
        }
        $tried[] = 'CIVICPLAN_LIBRARY (not set)';
        if (function_exists('shell_exec')) {
            $libdir = @shell_exec('pkg-config --variable=libdir civicplan 2>/dev/null');
            if (is_string($libdir) && trim($libdir) !== '') {
                $candidate = rtrim(trim($libdir), '/') . '/libcivicplan.so';
                if (is_file($candidate)) {
                    return $candidate;
                }
                $tried[] = $candidate . ' (from pkg-config)';
            } else {
                $tried[] = 'pkg-config (no civicplan.pc)';
            }
        }
        foreach (['/usr/local/lib', '/usr/local/lib64', '/usr/lib', '/usr/lib/' . php_uname('m') . '-linux-gnu'] as $dir) {
            $candidate = $dir . '/libcivicplan.so';
            if (is_file($candidate)) {
                return $candidate;
            }
            $tried[] = $candidate;
        }
        throw new Error('libcivicplan.so not found; set CIVICPLAN_LIBRARY to its path or install civicplan '
            . '(cmake --install) so that pkg-config finds it. Tried: ' . implode(', ', $tried));
    }

    /**
     * The FFI header that declares the scope "CIVICPLAN" for the library at $path (found as
     * find() does when null): for php.ini's `ffi.preload`, which loads it once when PHP-FPM
     * starts, so that every worker shares it.
     */
    public static function header(?string $path = null): string
    {
        $path ??= self::find();
        return '#define FFI_SCOPE "' . self::SCOPE . '"' . "\n" . '#define FFI_LIB "' . addcslashes($path, "\"\\") . '"'
            . "\n" . self::DECLARATIONS . "\n";
    }

    /**
     * From an opcache.preload script run without opcache.preload_user (PHP refuses FFI::load
     * there otherwise; use ffi.preload with header() then): loads the library as the FFI scope
     * "CIVICPLAN" that every request then shares.
     */
    public static function preload(?string $path = null): void
    {
        $path ??= self::find();
        $header = sys_get_temp_dir() . '/civicplan-ffi-' . md5($path . self::DECLARATIONS) . '.h';
        $text = self::header($path);
        if (@file_get_contents($header) !== $text) {
            $tmp = $header . '.' . getmypid();
            if (@file_put_contents($tmp, $text) === false || !@rename($tmp, $header)) {
                throw new Error("cannot write the FFI header $header");
            }
        }
        $ffi = \FFI::load($header);
        if ($ffi === null) {
            throw new Error("FFI::load($header) failed");
        }
        self::check($ffi);
        self::$ffi = $ffi;
        self::$path = $path;
    }

    private static function check(\FFI $ffi): void
    {
        $abi = $ffi->cp_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw new Error("libcivicplan has C ABI version $abi; this package needs " . self::ABI_VERSION);
        }
    }

    private static function cli(): bool
    {
        return PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg';
    }

    private static function preloadHint(): string
    {
        if (!self::cli() && ini_get('ffi.enable') === 'preload') {
            return ' (with ffi.enable=preload, load it from opcache.preload: Civicplan\\Library::preload())';
        }
        return '';
    }
}
