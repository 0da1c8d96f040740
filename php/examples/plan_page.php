<?php
// SPDX-License-Identifier: Apache-2.0
// A municipality's plan page, the widget a CMS plugin starts from: the plans of the year with
// their approval, the actions by area with their completion, the budget by funding source
// (planned beside actual), the certification status with what is still missing, and the
// citizens' ratings. One HTML fragment-free page on stdout.
//
//   CIVICPLAN_LIBRARY=/usr/local/lib/libcivicplan.so \
//     php php/examples/plan_page.php [BUNDLE.json | WORKSPACE.db] [BODY] [YEAR] > page.html
//
// In a CMS, open the workspace once per worker (Workspace::open('/var/lib/civicplan/family.db',
// readOnly: true)) and render plan_page($ws, $body, $year) into the theme.
declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Civicplan\Error;
use Civicplan\Workspace;

function e(mixed $text): string
{
    return htmlspecialchars((string)$text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** Euros as Italians write them: € 1.234,56 */
function euros(float|int $amount): string
{
    return '€ ' . number_format((float)$amount, 2, ',', '.');
}

/** The Italian label of a status or funding source of the data ("in_progress" -> "in corso"). */
function it(string $value): string
{
    return [
        'planned' => 'da avviare', 'in_progress' => 'in corso', 'completed' => 'conclusa',
        'suspended' => 'sospesa', 'cancelled' => 'annullata', 'draft' => 'bozza', 'submitted' => 'presentato',
        'approved' => 'approvato', 'rejected' => 'respinto', 'archived' => 'archiviato',
        'municipal' => 'Comune', 'provincial' => 'Provincia', 'regional' => 'Regione', 'state' => 'Stato',
        'eu' => 'Unione europea', 'private' => 'Privati',
    ][$value] ?? $value;
}

/** The top-level category of a "<taxonomy>:<code>" reference, as [code, label]. */
function area_of(string $category, array $taxonomies): array
{
    [$taxonomy, $code] = array_pad(explode(':', $category, 2), 2, '');
    $nodes = $taxonomies[$taxonomy] ?? [];
    $seen = [];
    while (isset($nodes[$code]['parents'][0]) && !isset($seen[$code])) {
        $seen[$code] = true;
        $code = $nodes[$code]['parents'][0];
    }
    return [$code, $nodes[$code]['label'] ?? $category];
}

function plan_page(Workspace $ws, string $bodyId, int $year): string
{
    $body = $ws->body($bodyId);
    $plans = $ws->plans(body: $bodyId, year: $year);
    $taxonomies = [];
    foreach ($ws->taxonomies() as $taxonomy) {
        $taxonomies[$taxonomy['id']] = array_column($taxonomy['nodes'], null, 'code');
    }

    $areas = [];
    $budget = [];
    $ratings = [];
    $feedback = $ws->feedback();
    foreach ($plans as $plan) {
        foreach ($plan['actions'] as $action) {
            [$code, $label] = area_of($action['categories'][0] ?? '', $taxonomies);
            $progress = $action['progress'] ?? [];
            $areas[$code]['label'] = $label;
            $areas[$code]['actions'][] = [
                'title' => $action['title'],
                'status' => $action['status'],
                'completion' => $progress ? end($progress)['completion'] : null,
            ];
            foreach ($action['budget'] ?? [] as $line) {
                if ($line['year'] !== $year) {
                    continue;
                }
                $budget[$line['source']]['planned'] = ($budget[$line['source']]['planned'] ?? 0) + ($line['planned'] ?? 0);
                $budget[$line['source']]['actual'] = ($budget[$line['source']]['actual'] ?? 0) + ($line['actual'] ?? 0);
            }
        }
        foreach ($feedback as $f) {
            if (str_starts_with($f['action'], $plan['id'] . '/')) {
                $ratings[] = $f['rating'];
            }
        }
    }
    ksort($areas);
    ksort($budget);

    $certifications = [];
    foreach ($ws->rulesets() as $ruleset) {
        if (!in_array($body['kind'], $ruleset['applies_to'] ?? [], true)) {
            continue;
        }
        try {
            $certifications[] = ['label' => $ruleset['label'], 'report' => $ws->certify($bodyId, $ruleset['id'], $year)];
        } catch (Error $error) {
            $certifications[] = ['label' => $ruleset['label'], 'error' => $error->getMessage()];
        }
    }

    ob_start();
    ?>
<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Piano famiglia <?= e($year) ?> – <?= e($body['name']) ?></title>
<style>
body { font-family: "Titillium Web", system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; color: #1a1a1a; }
h1 { color: #06c; } h2 { border-bottom: 2px solid #06c; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ccc; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #e6e9f2; height: .8rem; min-width: 6rem; } .bar span { display: block; height: 100%; background: #06c; }
.pass { color: #0a6b2f; font-weight: bold; } .fail { color: #a61c00; font-weight: bold; }
</style>
</head>
<body>
<h1><?= e($body['name']) ?>: piano per la famiglia <?= e($year) ?></h1>
<?php if (!$plans): ?>
<p>Nessun piano copre il <?= e($year) ?>.</p>
<?php endif; ?>
<?php foreach ($plans as $plan): ?>
<p><strong><?= e($plan['title']) ?></strong> — stato: <?= e(it($plan['status'])) ?>,
periodo <?= e($plan['period']['from']) ?>–<?= e($plan['period']['to']) ?><?php if (isset($plan['approval'])): ?>,
approvato il <?= e($plan['approval']['date']) ?> (<?= e($plan['approval']['act']) ?>)<?php endif; ?>.</p>
<?php endforeach; ?>

<h2>Le azioni per area</h2>
<?php foreach ($areas as $code => $area): ?>
<h3><?= e($code) ?> · <?= e($area['label']) ?> (<?= count($area['actions']) ?> azioni)</h3>
<table>
<tr><th>Azione</th><th>Stato</th><th>Avanzamento</th></tr>
<?php foreach ($area['actions'] as $action): ?>
<tr><td><?= e($action['title']) ?></td><td><?= e(it($action['status'])) ?></td>
<td><?php if ($action['completion'] !== null): ?><div class="bar" role="img" aria-label="<?= e($action['completion']) ?>%"><span style="width: <?= e(min(100, max(0, $action['completion']))) ?>%"></span></div> <?= e($action['completion']) ?>%<?php else: ?>—<?php endif; ?></td></tr>
<?php endforeach; ?>
</table>
<?php endforeach; ?>

<h2>Il bilancio <?= e($year) ?> per fonte di finanziamento</h2>
<table>
<tr><th>Fonte</th><th>Previsto</th><th>Speso</th></tr>
<?php foreach ($budget as $source => $amounts): ?>
<tr><td><?= e(it($source)) ?></td><td class="n"><?= e(euros($amounts['planned'])) ?></td><td class="n"><?= e(euros($amounts['actual'])) ?></td></tr>
<?php endforeach; ?>
<tr><th>Totale</th><th class="n"><?= e(euros(array_sum(array_column($budget, 'planned')))) ?></th><th class="n"><?= e(euros(array_sum(array_column($budget, 'actual')))) ?></th></tr>
</table>

<h2>La certificazione</h2>
<?php foreach ($certifications as $c): ?>
<?php if (isset($c['error'])): ?>
<p><?= e($c['label']) ?>: <?= e($c['error']) ?></p>
<?php else: $r = $c['report']; ?>
<p><?= e($c['label']) ?>: <span class="<?= $r['passed'] ? 'pass' : 'fail' ?>"><?= $r['passed'] ? '✔ requisiti soddisfatti' : '✘ requisiti non ancora soddisfatti' ?></span>
<?php if ($r['min_points'] !== null): ?>— <?= e($r['points']) ?> punti su <?= e($r['min_points']) ?> richiesti<?php endif; ?>.</p>
<?php $missing = array_filter($r['rules'], fn ($rule) => $rule['outcome'] !== 'pass'); ?>
<?php if ($missing): ?>
<ul>
<?php foreach ($missing as $rule): ?>
<li><?= e($rule['label']) ?><?= $rule['mandatory'] ? ' (obbligatorio)' : '' ?>: <?= e($rule['message']) ?></li>
<?php endforeach; ?>
</ul>
<?php endif; ?>
<?php endif; ?>
<?php endforeach; ?>

<h2>Il giudizio dei cittadini</h2>
<?php if ($ratings): ?>
<p><?= count($ratings) ?> valutazioni, in media <?= e(number_format(array_sum($ratings) / count($ratings), 1, ',', '.')) ?> su 5.</p>
<?php else: ?>
<p>Ancora nessuna valutazione.</p>
<?php endif; ?>
</body>
</html>
<?php
    return (string)ob_get_clean();
}

$source = $argv[1] ?? dirname(__DIR__, 2) . '/examples/data/family.json';
$bodyId = $argv[2] ?? '022205';
$year = (int)($argv[3] ?? 2022);
try {
    if (str_ends_with($source, '.json')) {
        $ws = Workspace::open();
        $ws->importBundle($source);
    } else {
        $ws = Workspace::open($source, readOnly: true);
    }
    echo plan_page($ws, $bodyId, $year);
} catch (Error $error) {
    fwrite(STDERR, 'plan_page: ' . get_class($error) . ': ' . $error->getMessage() . "\n");
    exit(1);
}
