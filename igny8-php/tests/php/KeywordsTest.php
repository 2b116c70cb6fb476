<?php

namespace Igny8\Tests;

final class KeywordsTest extends TestCase
{
    public function testCrudFiltersAndPagination(): void
    {
        $igny8 = self::open();
        $sector = $igny8->createSector(['name' => 'Garden ' . uniqid()]);
        $made = [];
        foreach (['hose reel' => 900, 'garden hose' => 5000, 'watering can' => 300, 'soaker hose' => 120] as $text => $volume) {
            $made[] = $igny8->createKeyword([
                'sector_id' => $sector['id'], 'keyword' => $text, 'volume' => $volume, 'intent' => 'commercial',
            ]);
        }
        $this->assertSame('hose reel', $made[0]['keyword']);
        $this->assertSame(900, $made[0]['volume']);
        $this->assertSame('pending', $made[0]['status']);
        $this->assertSame($sector['id'], $made[0]['sector_id']);
        $this->assertArrayNotHasKey('account_id', $made[0]);
        $this->assertSame($made[1], $igny8->keyword($made[1]['id']));

        $all = $igny8->keywords(['sector_id' => $sector['id']]);
        $this->assertSame(4, $all['count']);
        $this->assertCount(4, $all['results']);

        $hoses = $igny8->keywords(['sector_id' => $sector['id'], 'search' => 'hose', 'ordering' => '-volume']);
        $this->assertSame(['garden hose', 'hose reel', 'soaker hose'], array_column($hoses['results'], 'keyword'));

        $big = $igny8->keywords(['sector_id' => $sector['id'], 'volume_min' => 300, 'volume_max' => 1000]);
        $this->assertEqualsCanonicalizing(['hose reel', 'watering can'], array_column($big['results'], 'keyword'));

        $page2 = $igny8->keywords(['sector_id' => $sector['id'], 'ordering' => 'keyword', 'page' => 2, 'page_size' => 3]);
        $this->assertSame(4, $page2['count']);
        $this->assertSame(['watering can'], array_column($page2['results'], 'keyword'));

        $changed = $igny8->updateKeyword($made[0]['id'], ['volume' => null, 'difficulty' => 40]);
        $this->assertNull($changed['volume']);
        $this->assertSame(40, $changed['difficulty']);
        $this->assertSame('hose reel', $changed['keyword']);

        $this->assertSame(2, $igny8->bulkUpdateKeywords([$made[2]['id'], $made[3]['id']], ['status' => 'archived']));
        $archived = $igny8->keywords(['sector_id' => $sector['id'], 'status' => 'archived']);
        $this->assertSame(2, $archived['count']);

        $this->assertSame(2, $igny8->deleteKeywords([$made[2]['id'], $made[3]['id']]));
        $this->assertSame(2, $igny8->keywords(['sector_id' => $sector['id']])['count']);
    }

    public function testASelfReferencingArrayIsAnExceptionNotACrash(): void
    {
        $igny8 = self::open();
        $sector = $igny8->createSector(['name' => 'Loop ' . uniqid()]);
        $a = ['sector_id' => $sector['id'], 'keyword' => 'loop'];
        $a['x'] = &$a;
        $e = $this->failure(fn () => $igny8->createKeyword($a));
        $this->assertSame('validation', $e->errorCode());
        $this->assertStringContainsString('the value is nested more than 64 levels deep', $e->getMessage());
        $this->assertSame(0, $igny8->keywords(['sector_id' => $sector['id']])['count']);

        // The limit is 64 arrays: 63 inside the top one are read, one more is refused.
        $nest = static function (int $levels) {
            $value = 'leaf';
            for ($i = 0; $i < $levels; $i++) {
                $value = [$value];
            }
            return $value;
        };
        $e = $this->failure(fn () => $igny8->setSetting('igny8_no_such_setting', $nest(64)));
        $this->assertStringNotContainsString('levels deep', $e->getMessage());
        $e = $this->failure(fn () => $igny8->setSetting('igny8_no_such_setting', $nest(65)));
        $this->assertStringContainsString('nested more than 64 levels deep', $e->getMessage());
    }

    public function testValidationFailsWithFieldErrorsAndChangesNothing(): void
    {
        $igny8 = self::open();
        $sector = $igny8->createSector(['name' => 'Kitchen ' . uniqid()]);
        $before = $igny8->keywords(['sector_id' => $sector['id']])['count'];

        $e = $this->failure(fn () => $igny8->createKeyword([
            'sector_id' => $sector['id'], 'keyword' => '   ', 'difficulty' => 140,
        ]));
        $this->assertSame('validation', $e->errorCode());
        $this->assertSame(400, $e->status());
        $this->assertSame(400, $e->getCode());
        $fields = array_column($e->fieldErrors(), 'field');
        $this->assertContains('keyword', $fields);
        $this->assertContains('difficulty', $fields);

        $e = $this->failure(fn () => $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => 'ok', 'volum' => 3]));
        $this->assertSame('validation', $e->errorCode());
        $this->assertSame(['volum'], array_column($e->fieldErrors(), 'field'));

        $e = $this->failure(fn () => $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => 'ok', 'volume' => 'lots']));
        $this->assertSame('validation', $e->errorCode());
        $this->assertSame(['volume'], array_column($e->fieldErrors(), 'field'));

        $this->assertSame($before, $igny8->keywords(['sector_id' => $sector['id']])['count']);

        $kw = $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => 'chef knife']);
        $e = $this->failure(fn () => $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => 'Chef   Knife']));
        $this->assertSame('conflict', $e->errorCode());
        $this->assertSame(409, $e->status());

        $e = $this->failure(fn () => $igny8->updateKeyword($kw['id'], ['difficulty' => -1]));
        $this->assertSame('validation', $e->errorCode());
        $this->assertNull($igny8->keyword($kw['id'])['difficulty']);
    }

    public function testMissingIdIsNotFound(): void
    {
        $igny8 = self::open();
        $e = $this->failure(fn () => $igny8->keyword(987654321));
        $this->assertSame('not_found', $e->errorCode());
        $this->assertSame(404, $e->status());
        $this->assertInstanceOf(\Exception::class, $e);
        $e = $this->failure(fn () => $igny8->updateCluster(987654321, ['name' => 'x']));
        $this->assertSame('not_found', $e->errorCode());
        $e = $this->failure(fn () => $igny8->deleteSector(987654321));
        $this->assertSame('not_found', $e->errorCode());
    }

    public function testCsvImportReportAndExportRoundTrip(): void
    {
        $igny8 = self::open();
        $sector = $igny8->createSector(['name' => 'Import ' . uniqid()]);
        $csv = "keyword,volume,difficulty,cpc\n"
            . "best garden hose,1200,35,1.20\n"
            . "Best  Garden Hose,1300,,\n"
            . "hose nozzle,400,20,0.80\n"
            . ",10,10,1\n";
        $report = $igny8->importKeywords($sector['id'], $csv);
        $this->assertSame(2, $report['imported']);
        $this->assertSame(1, $report['merged']);
        $this->assertSame(1, $report['rejected']);
        $this->assertCount(1, $report['errors']);
        $this->assertSame(5, $report['errors'][0]['line']);

        $export = $igny8->exportKeywords(['sector_id' => $sector['id']]);
        $lines = array_values(array_filter(explode("\n", $export)));
        $this->assertStringStartsWith('keyword,', $lines[0]);
        $this->assertCount(3, $lines);

        $copy = $igny8->createSector(['name' => 'Copy ' . uniqid()]);
        $again = $igny8->importKeywords($copy['id'], $export);
        $this->assertSame(2, $again['imported']);
        $this->assertSame(0, $again['rejected']);
        $original = $igny8->keywords(['sector_id' => $sector['id'], 'ordering' => 'keyword']);
        $copied = $igny8->keywords(['sector_id' => $copy['id'], 'ordering' => 'keyword']);
        foreach (['keyword', 'volume', 'difficulty', 'cpc'] as $field) {
            $this->assertSame(array_column($original['results'], $field), array_column($copied['results'], $field));
        }

        $e = $this->failure(fn () => $igny8->importKeywords(987654321, $csv));
        $this->assertSame('not_found', $e->errorCode());
    }

    public function testClustersIdeasAndTasks(): void
    {
        $igny8 = self::open();
        $sector = $igny8->createSector(['name' => 'Plan ' . uniqid()]);
        $cluster = $igny8->createCluster(['sector_id' => $sector['id'], 'name' => 'Hoses']);
        $kw = $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => 'expandable hose']);
        $kw = $igny8->updateKeyword($kw['id'], ['cluster_id' => $cluster['id']]);
        $this->assertSame('clustered', $kw['status']);
        $this->assertSame(1, $igny8->cluster($cluster['id'])['keyword_count']);

        $idea = $igny8->createIdea([
            'sector_id' => $sector['id'], 'cluster_id' => $cluster['id'], 'title' => 'The best expandable hoses',
        ]);
        $this->assertSame('The best expandable hoses', $igny8->idea($idea['id'])['title']);
        $this->assertSame(1, $igny8->ideas(['cluster_id' => $cluster['id']])['count']);
        $tasks = $igny8->queueIdeas([$idea['id']]);
        $this->assertCount(1, $tasks);
        $this->assertSame($idea['id'], $tasks[0]['idea_id']);
        // Each queued task says what its idea competes with on the site: nothing here.
        $this->assertSame([], $tasks[0]['conflicts']);
        unset($tasks[0]['conflicts']);
        $this->assertSame($tasks[0], $igny8->task($tasks[0]['id']));
        $task = $igny8->updateTask($tasks[0]['id'], ['title' => 'Expandable hoses, tested']);
        $this->assertSame('Expandable hoses, tested', $task['title']);
        $this->assertSame(1, $igny8->deleteTasks([$task['id']]));
        $this->assertSame(1, $igny8->deleteIdeas([$idea['id']]));
        $this->assertSame(1, $igny8->deleteClusters([$cluster['id']]));
        $this->assertSame('pending', $igny8->keyword($kw['id'])['status']);

        $dash = $igny8->dashboard(['sector_id' => $sector['id']]);
        $this->assertIsArray($dash['keywords']);
    }
}
