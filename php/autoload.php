<?php
// SPDX-License-Identifier: Apache-2.0
// The package's PSR-4 autoloader for use without Composer: require this file, then use
// Civicplan\Workspace. With Composer, vendor/autoload.php does the same.
declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'Civicplan\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
