<?php
// SPDX-License-Identifier: Apache-2.0
// The PHP package over the C API: results as arrays, errors as Civicplan\Error subclasses, the
// camelCase methods, the library lookup and the examples. Needs CIVICPLAN_LIBRARY (ctest sets
// it to the built libcivicplan.so).
declare(strict_types=1);

namespace Civicplan\Tests;

use Civicplan\ConflictError;
use Civicplan\Error;
use Civicplan\Library;
use Civicplan\NotFoundError;
use Civicplan\ParseError;
use Civicplan\PermissionError;
use Civicplan\StorageError;
use Civicplan\UsageError;
use Civicplan\ValidationError;
use Civicplan\Workspace;
use PHPUnit\Framework\TestCase;

final class WorkspaceTest extends TestCase
{
    private const ROOT = __DIR__ . '/../..';

    private static function family(): Workspace
    {
        $ws = Workspace::open();
        $ws->importBundle(self::ROOT . '/examples/data/family.json');
        return $ws;
    }

    private static function draft(): array
    {
        return [
            'id' => 'pf-022104-2023', 'kind' => 'family', 'body' => '022104', 'title' => 'Piano famiglia 2023',
            'period' => ['from' => 2023, 'to' => 2023], 'status' => 'draft',
            'actions' => [[
                'id' => 'az01', 'title' => 'Tariffe ridotte', 'status' => 'planned', 'categories' => ['family-tn:B'],
                'budget' => [['year' => 2023, 'source' => 'municipal', 'planned' => 1200.5]],
            ]],
        ];
    }

    public function testImportReturnsCountsByArray(): void
    {
        $summary = Workspace::open()->importBundle(self::ROOT . '/examples/data/family.json');
        $this->assertSame(16, $summary['added']['bodies']);
        $this->assertSame(24, $summary['added']['plans']);
    }

    public function testCertifiesAMunicipality(): void
    {
        $report = self::family()->certify('022205', 'family-in-trentino', 2022);
        $this->assertTrue($report['passed']);
        $this->assertEquals(62, $report['points']);
        $this->assertEquals(58, $report['min_points']);
        $this->assertSame('022205', $report['body']);
        $this->assertNotEmpty($report['rules']);

        $table = self::family()->certifyAll('family-in-trentino', 2022, bodies: ['022205', '022104']);
        $this->assertSame(['022104', '022205'], array_column($table['reports'], 'body'));
    }

    public function testExplainsAFigureAndTriesAThreshold(): void
    {
        $ws = self::family();
        $e = $ws->explain('fam_spend_per_inhabitant', '022205', 2022);
        $this->assertSame('fam_spend_per_inhabitant', $e['indicator']);
        $this->assertEqualsWithDelta(6.3338, $e['value'], 1e-4);
        [$budget, $population] = $e['children'];
        $this->assertSame('statistic', $population['facts'][0]['kind']);
        $this->assertEqualsWithDelta($budget['value'], array_sum(array_column($budget['facts'], 'value')), 1e-6);

        $report = $ws->certify('022104', 'family-in-trentino', 2022, parameters: ['punti_minimi_sopra_soglia' => 50]);
        $this->assertTrue($report['passed']);
        $this->assertFalse($ws->certify('022104', 'family-in-trentino', 2022)['passed']);
        $explained = $ws->certify('022104', 'family-in-trentino', 2022, explain: true);
        $this->assertArrayHasKey('explanation', $explained['rules'][0]);
        try {
            $ws->certifyAll('family-in-trentino', 2022, parameters: ['soglia' => 1]);
            $this->fail('no NotFoundError');
        } catch (NotFoundError $error) {
            $this->assertSame('parameter', $error->getKind());
            $this->assertStringContainsString('its parameters are', $error->getMessage());
        }
        $run = $ws->runCases(self::ROOT . '/examples/cases/family-in-italia.cases.json');
        $this->assertSame(0, $run['failed']);
    }

    public function testWritesTheReportPageACmsEmbeds(): void
    {
        $ws = self::family();
        $html = $ws->report('022104', 2022);
        $this->assertStringStartsWith("<!DOCTYPE html>\n<html lang=\"it\">", $html);
        $this->assertStringNotContainsString('<script', $html);
        $this->assertStringNotContainsString('https://', $html);
        $this->assertSame(substr_count($html, '<svg '), substr_count($html, '-desc">'));
        $this->assertStringContainsString('<h1>Levico Terme</h1>', $html);
        $this->assertStringContainsString('Funding by source', $ws->report('022104', 2022, lang: 'en'));
        try {
            $ws->report('022104', 2022, 'fr');
            $this->fail('no ValidationError');
        } catch (ValidationError $error) {
            $this->assertSame('lang', $error->getIssues()[0]['path']);
        }
    }

    public function testABadBundleIsAValidationErrorWithJsonPaths(): void
    {
        $ws = self::family();
        try {
            $ws->importBundle(['format' => 'civicplan-bundle', 'version' => 1, 'plans' => [[
                'id' => 'p-x', 'kind' => 'family', 'body' => 'nowhere', 'title' => 'X',
                'period' => ['from' => 2022, 'to' => 2022], 'status' => 'draft',
                'actions' => [['id' => 'a1', 'title' => 'A', 'status' => 'planned',
                    'budget' => [['year' => 2022, 'source' => 'municipal', 'planned' => '12,50']]]],
            ]]]);
            $this->fail('no ValidationError');
        } catch (ValidationError $e) {
            $this->assertContains('plans[0].body', $e->getPaths());
            $this->assertContains('plans[0].actions[0].budget[0].planned', $e->getPaths());
            $this->assertSame('ValidationError', $e->getDetails()['error']);
            $this->assertSame(3, $e->getCode());
            $this->assertStringContainsString('plans[0].body', $e->getMessage());
        }
        $this->expectException(NotFoundError::class);
        $ws->plan('p-x');
    }

    public function testArgumentsByPositionByNameAndInSnakeCase(): void
    {
        $ws = self::family();
        $a = $ws->computeIndicators(['fam_spend_per_inhabitant'], 'pat', [2021, 2022]);
        $b = $ws->computeIndicators(ids: 'fam_spend_per_inhabitant', bodies: ['pat'], years: [2021, 2022]);
        $c = $ws->call('compute_indicators', ['ids' => ['fam_spend_per_inhabitant'], 'bodies' => 'pat', 'years' => [2021, 2022]]);
        $this->assertSame($a, $b);
        $this->assertSame($a, $c);
        $this->assertSame(['pat'], array_values(array_unique(array_column($a, 'body'))));
        $this->assertSame([2021, 2022], array_column($a, 'year'));
        $this->assertIsFloat($a[1]['value']);
        $hits = $ws->search(text: 'tariffe famiglie numerose', limit: 3);
        $this->assertCount(3, $hits);
        $this->assertGreaterThan(0, $hits[0]['score']);
        $this->assertSame($ws->search(bodyKind: 'municipality', limit: 2), $ws->search(body_kind: 'municipality', limit: 2));
        $this->assertIsArray($ws->recommend('022104', 2022, minShare: 0.3));
        $this->assertEqualsWithDelta(0.5, $ws->evaluate('1 / 2', '022104', 2022), 1e-12);
        $this->assertNull($ws->evaluate('1 / 0', '022104', 2022));
    }

    public function testErrorClassesAndTheirDetails(): void
    {
        $ws = self::family();
        try {
            $ws->body('999999');
            $this->fail('no NotFoundError');
        } catch (NotFoundError $e) {
            $this->assertSame('body', $e->getKind());
            $this->assertSame('999999', $e->getId());
        }
        try {
            $ws->evaluate('1 +', '022104', 2022);
            $this->fail('no ParseError');
        } catch (ParseError $e) {
            $this->assertSame(1, $e->getSourceLine());
            $this->assertGreaterThan(1, $e->getSourceColumn());
        }
        foreach ([
            fn () => $ws->certfy('022104'),
            fn () => $ws->certify('022104', 'family-in-trentino', '2022'),
            fn () => $ws->certify('022104', 'family-in-trentino', 2022, sheme: 'x'),
            fn () => $ws->certify('022104'),
            fn () => $ws->body("\xff"),
            fn () => $ws->call("body\0", ['id' => 'x']),
            fn () => $ws->refresh(1),
        ] as $i => $bad) {
            try {
                $bad();
                $this->fail("call $i raised nothing");
            } catch (UsageError $e) {
                $this->assertInstanceOf(Error::class, $e);
                $this->assertInstanceOf(\RuntimeException::class, $e);
            }
        }
        try {
            $ws->certfy();
        } catch (UsageError $e) {
            $this->assertStringContainsString('did you mean "certify"', $e->getMessage());
        }
    }

    public function testTheLifecycleExecutionAndConflicts(): void
    {
        $ws = self::family();
        $this->assertSame(1, $ws->putPlan(self::draft()));
        $this->assertSame(2, $ws->submit('pf-022104-2023'));
        $this->assertSame(3, $ws->approve('pf-022104-2023', '2023-02-01', 'Delibera n. 1'));
        $this->assertSame(4, $ws->recordProgress('pf-022104-2023', 'az01', '2023-06-30', 40, note: 'a metà'));
        $this->assertSame(5, $ws->recordActual('pf-022104-2023', 'az01', 2023, 'municipal', '1100.25'));
        $this->assertSame(6, $ws->setActionStatus('pf-022104-2023', 'az01', 'in_progress'));
        $plan = $ws->plan('pf-022104-2023');
        $this->assertSame('approved', $plan['status']);
        $this->assertSame(1100.25, $plan['actions'][0]['budget'][0]['actual']);
        $this->assertSame('a metà', $plan['actions'][0]['progress'][0]['note']);
        $this->assertSame(['import', 'put_plan', 'submit', 'approve'], array_slice(array_unique(array_column($ws->auditLog(), 'operation')), 0, 4));
        $this->assertCount(6, $ws->history('pf-022104-2023'));
        $this->expectException(ConflictError::class);
        $ws->putPlan(self::draft(), expectedRevision: 1);
    }

    public function testAUserViewChecksRoles(): void
    {
        $ws = self::family();
        $ws->putUser(['id' => 'u-levico', 'name' => 'Anna Rossi', 'roles' => [['role' => 'editor', 'body' => '022104']]]);
        $view = $ws->asUser('u-levico');
        $this->assertSame('u-levico', $view->user());
        $this->assertSame(1, $view->putPlan(self::draft()));
        $this->expectException(PermissionError::class);
        $view->recordProgress('pf-022205-2022', 'az01', '2022-12-31', 90);
    }

    public function testAReadOnlySqliteWorkspaceRefusesWrites(): void
    {
        $db = sys_get_temp_dir() . '/civicplan-php-' . getmypid() . '.db';
        @unlink($db);
        try {
            $writer = Workspace::open($db);
            $writer->importBundle(self::ROOT . '/examples/data/family.json');
            $reader = Workspace::open($db, readOnly: true);
            $this->assertTrue($reader->readOnly());
            $this->assertTrue($reader->certify('022205', 'family-in-trentino', 2022)['passed']);
            $writer->addFeedback('pf-022205-2022/az06', 5, '2022-10-01', comment: 'Ottimo');
            $this->assertTrue($reader->refresh());
            $this->expectException(StorageError::class);
            $reader->addFeedback('pf-022205-2022/az06', 4, '2022-10-02');
        } finally {
            $writer = $reader = null;
            @unlink($db);
        }
    }

    public function testAClosedWorkspaceRefusesCalls(): void
    {
        $ws = Workspace::open();
        $ws->close();
        $ws->close();
        $this->expectException(UsageError::class);
        $ws->bodies();
    }

    public function testEveryDocumentedMethodIsInTheTable(): void
    {
        $names = array_column(Workspace::open()->methods(), 'name');
        $doc = (new \ReflectionClass(Workspace::class))->getDocComment();
        preg_match_all('/@method\s+\S+\s+(\w+)\(/', (string)$doc, $m);
        $this->assertGreaterThan(40, count($m[1]));
        foreach ($m[1] as $camel) {
            $this->assertContains(strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $camel)), $names, $camel);
        }
    }

    public function testTheDeclarationsAreThoseOfTheHeader(): void
    {
        $header = (string)file_get_contents(self::ROOT . '/include/civicplan/c.h');
        $header = preg_replace('#/\*.*?\*/#s', '', $header);
        $header = preg_replace('/^\s*#.*$/m', '', $header);
        $header = str_replace(['extern "C" {', 'CIVICPLAN_C_API'], '', $header);
        $header = preg_replace('/^\s*}\s*$/m', '', $header);
        $normalise = fn (string $c) => trim(preg_replace('/\s+/', ' ', $c));
        $this->assertSame($normalise(Library::DECLARATIONS), $normalise($header));
    }

    public function testTheLibraryIsFoundThroughCivicplanLibrary(): void
    {
        $this->assertSame(getenv('CIVICPLAN_LIBRARY'), Library::find());
        $this->assertSame(1, Library::ABI_VERSION);
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', Workspace::version());
        $previous = getenv('CIVICPLAN_LIBRARY');
        putenv('CIVICPLAN_LIBRARY=/nonexistent/libcivicplan.so');
        try {
            Library::find();
            $this->fail('no Error');
        } catch (Error $e) {
            $this->assertStringContainsString('/nonexistent/libcivicplan.so', $e->getMessage());
        } finally {
            putenv("CIVICPLAN_LIBRARY=$previous");
        }
    }

    /** Runs a PHP script in a new process with only CIVICPLAN_LIBRARY set. */
    private static function runScript(string $script, array $args, array $ini = []): array
    {
        $command = [PHP_BINARY];
        foreach ($ini as $name => $value) {
            $command[] = '-d';
            $command[] = "$name=$value";
        }
        $command = array_merge($command, [$script], $args);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['CIVICPLAN_LIBRARY' => (string)getenv('CIVICPLAN_LIBRARY')]);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out, $err];
    }

    public function testTheReadmeExampleRuns(): void
    {
        $readme = (string)file_get_contents(self::ROOT . '/README.md');
        $this->assertSame(1, preg_match('/```php\n(require .*?)```/s', $readme, $m), 'README.md has no PHP example');
        $dir = sys_get_temp_dir() . '/civicplan-readme-' . getmypid();
        @mkdir($dir);
        foreach (['php', 'examples'] as $link) {
            @unlink("$dir/$link");
            symlink(realpath(self::ROOT . "/$link"), "$dir/$link");
        }
        file_put_contents("$dir/readme.php", "<?php\n" . $m[1]);
        $cwd = getcwd();
        chdir($dir);
        try {
            [$status, $out, $err] = self::runScript("$dir/readme.php", []);
        } finally {
            chdir($cwd);
        }
        $this->assertSame(0, $status, $err);
        $this->assertStringContainsString('certified, 62 points', $out);
        $this->assertStringContainsString('[path] => bodies[0].kind', $out);
    }

    public function testAPreloadedScopeServesEveryRequest(): void
    {
        // php-fpm's way: ffi.preload loads the header once at startup, requests use the scope.
        $dir = sys_get_temp_dir() . '/civicplan-preload-' . getmypid();
        @mkdir($dir);
        [$status, $header, $err] = self::runScript(self::ROOT . '/php/bin/civicplan-ffi-header', []);
        $this->assertSame(0, $status, $err);
        $this->assertStringContainsString('#define FFI_LIB "' . getenv('CIVICPLAN_LIBRARY') . '"', $header);
        file_put_contents("$dir/civicplan.h", $header);
        file_put_contents("$dir/request.php", "<?php\nrequire '" . realpath(self::ROOT) . "/php/autoload.php';\n"
            . "\$ws = Civicplan\\Workspace::open();\n"
            . "echo Civicplan\\Library::path(), ' ', count(\$ws->methods()), PHP_EOL;\n");
        [$status, $out, $err] = self::runScript("$dir/request.php", [], ['ffi.enable' => 'preload', 'ffi.preload' => "$dir/civicplan.h"]);
        $this->assertSame(0, $status, $err);
        $this->assertMatchesRegularExpression('/^\(preloaded scope CIVICPLAN\) \d+$/', trim($out));
    }

    public function testTheCertifyExample(): void
    {
        [$status, $out, $err] = self::runScript(self::ROOT . '/php/examples/certify.php',
            [self::ROOT . '/examples/data/family.json', '022205', '2022']);
        $this->assertSame(0, $status, $err);
        $this->assertStringContainsString('022205 2022: passed, 62 points of 58', $out);
        $this->assertStringContainsString('ValidationError at bodies[0].kind: unknown kind "municipalty"', $out);
    }

    public function testThePlanPageExample(): void
    {
        [$status, $html, $err] = self::runScript(self::ROOT . '/php/examples/plan_page.php',
            [self::ROOT . '/examples/data/family.json', '022205', '2022']);
        $this->assertSame(0, $status, $err);
        $this->assertStringStartsWith('<!DOCTYPE html>', ltrim($html));
        $this->assertStringContainsString('<h1>Trento: piano per la famiglia 2022</h1>', $html);
        $this->assertStringContainsString('Delibera di Giunta comunale n. 199 del 08/03/2022', $html);
        $this->assertStringContainsString('A · Governance e azioni di rete (5 azioni)', $html);
        $this->assertStringContainsString('— 62 punti su 58 richiesti', $html);
        // The budget table's total is the sum of the plan's 2022 lines.
        $ws = self::family();
        $planned = 0.0;
        foreach ($ws->plan('pf-022205-2022')['actions'] as $action) {
            foreach ($action['budget'] as $line) {
                $planned += $line['planned'] ?? 0;
            }
        }
        $this->assertStringContainsString('<th>Totale</th><th class="n">€ ' . number_format($planned, 2, ',', '.'), $html);
        $doc = new \DOMDocument();
        $this->assertTrue(@$doc->loadHTML($html));
        $this->assertSame(0, $doc->getElementsByTagName('script')->length);

        [$status, , $err] = self::runScript(self::ROOT . '/php/examples/plan_page.php',
            [self::ROOT . '/examples/data/family.json', 'nowhere', '2022']);
        $this->assertSame(1, $status);
        $this->assertStringContainsString('NotFoundError', $err);
    }
}
