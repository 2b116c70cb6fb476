<?php

namespace Igny8\Tests;

/**
 * The AI functions as jobs run by runJobs(), against igny8-fake-ai (see WithFakeAi).
 */
final class AiTest extends TestCase
{
    use WithFakeAi;

    public function testStartWithoutAProviderIsNotConfigured(): void
    {
        $igny8 = self::open();
        $kw = $igny8->createKeyword(['keyword' => 'unconfigured ' . uniqid()]);
        $before = $igny8->jobs()['count'];
        $e = $this->failure(fn () => $igny8->start('auto_cluster', ['ids' => [$kw['id']]]));
        $this->assertSame('not_configured', $e->errorCode());
        $this->assertSame(400, $e->status());
        $this->assertSame($before, $igny8->jobs()['count']);
        $e = $this->failure(fn () => $igny8->start('summon_rain', ['ids' => [1]]));
        $this->assertSame('validation', $e->errorCode());
    }

    public function testTheFiveFunctionsRunAsJobs(): void
    {
        $igny8 = $this->withFake();
        $sector = $igny8->createSector(['name' => 'AI ' . uniqid()]);
        $ids = [];
        foreach (['garden hose', 'best garden hose', 'hose reel', 'hose reel cart', 'watering can', 'metal watering can'] as $t) {
            $ids[] = $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => $t, 'volume' => 100])['id'];
        }
        $balance = $igny8->credits()['balance'];

        $estimate = $igny8->estimate('auto_cluster', ['ids' => $ids]);
        $this->assertSame('auto_cluster', $estimate['operation']);
        $this->assertTrue($estimate['enough']);
        $this->assertGreaterThan(0, $estimate['credits']);

        $clusters = $this->runJob($igny8, 'auto_cluster', ['ids' => $ids]);
        $made = $igny8->clusters(['sector_id' => $sector['id']]);
        $this->assertGreaterThan(0, $made['count']);
        $this->assertLessThan($balance, $igny8->credits()['balance']);
        $this->assertGreaterThan(0, $igny8->usage()['count']);

        $this->runJob($igny8, 'generate_ideas', ['ids' => [$made['results'][0]['id']]]);
        $ideas = $igny8->ideas(['sector_id' => $sector['id']]);
        $this->assertGreaterThan(0, $ideas['count']);

        $tasks = $igny8->queueIdeas([$ideas['results'][0]['id']]);
        $this->runJob($igny8, 'generate_content', ['ids' => [$tasks[0]['id']]]);
        $contents = $igny8->contents(['task_id' => $tasks[0]['id']]);
        $this->assertSame(1, $contents['count']);
        $content = $contents['results'][0];
        $this->assertNotSame('', $content['html']);

        $this->runJob($igny8, 'generate_image_prompts', ['ids' => [$content['id']]]);
        $images = $igny8->images(['content_id' => $content['id']]);
        $this->assertGreaterThan(0, $images['count']);
        $this->assertSame($images['count'], $igny8->images(['task_id' => $tasks[0]['id']])['count']);

        $imageIds = array_column($images['results'], 'id');
        $this->runJob($igny8, 'generate_images', ['ids' => $imageIds]);
        $image = $igny8->image($imageIds[0]);
        $this->assertSame('generated', $image['status']);
        $this->assertNotNull($image['url']);
        // The fake answers with bytes: a file under media_dir, with a URL under media_url. The
        // path is relative to media_dir: no result names the server's directories.
        $media = getenv('IGNY8_PHP_TEST_MEDIA_DIR') ?: sys_get_temp_dir() . '/igny8-media-' . getmypid();
        $this->assertNotNull($image['file_path']);
        $this->assertStringStartsNotWith('/', $image['file_path']);
        $this->assertFileExists($media . '/' . $image['file_path']);
        $this->assertSame('https://blog.example/wp-content/uploads/igny8/' . $image['file_path'], $image['url']);
        $this->assertSame($image, array_column($igny8->images(['content_id' => $content['id']])['results'], null, 'id')[$image['id']]);

        $linked = $igny8->updateContent($content['id'], ['wp_post_id' => 42, 'wp_url' => 'https://blog.example/?p=42']);
        $this->assertSame(42, $linked['wp_post_id']);
    }

    public function testRunJobsStopsAtTheDeadlineAndCancelWorks(): void
    {
        $igny8 = $this->withFake();
        $kw = $igny8->createKeyword(['keyword' => 'deadline ' . uniqid()]);
        $started = $igny8->start('auto_cluster', ['ids' => [$kw['id']]]);
        $this->assertSame('queued', $started['job']['status']);
        // A zero budget starts nothing.
        $none = $igny8->runJobs(0.0);
        $this->assertSame(0, $none['ran']);
        $this->assertSame([], $none['jobs']);
        $this->assertSame('queued', $igny8->job($started['job']['id'])['status']);
        $cancelled = $igny8->cancelJob($started['job']['id']);
        $this->assertSame('cancelled', $cancelled['status']);
        $this->assertSame(0, $igny8->runJobs(5.0)['ran']);
        $this->assertContains($started['job']['id'], array_column($igny8->jobs(['status' => 'cancelled'])['results'], 'id'));
    }
}
