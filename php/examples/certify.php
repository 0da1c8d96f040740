<?php
// SPDX-License-Identifier: Apache-2.0
// A municipality's certification from PHP, and what a bad bundle gets back.
//
//   CIVICPLAN_LIBRARY=/usr/local/lib/libcivicplan.so php php/examples/certify.php examples/data/family.json 022205 2022
declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Civicplan\ValidationError;
use Civicplan\Workspace;

[$script, $bundle, $body, $year] = array_pad($argv, 4, null);
if ($year === null) {
    fwrite(STDERR, "usage: php certify.php BUNDLE BODY YEAR\n");
    exit(2);
}

$ws = Workspace::open();                  // in memory; Workspace::open('family.db') is a SQLite file
$ws->importBundle($bundle);               // a path or an array; all or nothing
$report = $ws->certify($body, 'family-in-trentino', (int)$year);
printf("%s %s: %s, %d points of %d\n", $body, $year, $report['passed'] ? 'passed' : 'not passed',
    $report['points'], $report['min_points']);

try {
    $ws->importBundle(['format' => 'civicplan-bundle', 'version' => 1,
        'bodies' => [['id' => 'm-x', 'kind' => 'municipalty', 'name' => 'X']]]);
} catch (ValidationError $e) {
    foreach ($e->getIssues() as $issue) {
        printf("ValidationError at %s: %s\n", $issue['path'], $issue['message']);
    }
}
