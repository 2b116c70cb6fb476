<?php

namespace Igny8\Tests;

/**
 * The extension answers in the hosted API's shapes: every object a method returns matches its
 * schema in docs/openapi.json (the document `igny8-server` serves), so the plugin's `Backend`
 * code works on either face without guessing. What the extension adds on purpose is listed in
 * EXTRAS with the reason; everything else must be the document's.
 */
final class ContractTest extends TestCase
{
    use WithFakeAi;

    /** Properties only the extension has, per schema, and why. */
    private const EXTRAS = [
        'Balance' => [
            'balance' => 'the same number as credits, under the name the plugin has always read (both backends give both)',
        ],
        'Image' => [
            'file_path' => 'the file under the install\'s media directory, which the plugin copies into the media library (the API serves the file at writer/images/{id}/file/ instead)',
        ],
    ];

    /** Page fields of the extension that differ from the API's `next`/`previous` links: an in-process call has no URL to link to. */
    private const PAGE_FIELDS = ['count', 'next_cursor', 'page', 'page_size', 'results'];

    /** @var list<string> Every problem found, reported together at the end. */
    private array $problems = [];

    private function assertShape(Contract $contract, string $schema, mixed $value): void
    {
        $this->addToAssertionCount(1);
        foreach ($contract->problems($schema, $value, self::EXTRAS[$schema] ?? []) as $problem) {
            $this->problems[$problem] = $problem;
        }
    }

    /** A page's rows (at least one) each match `$schema`; the page has the extension's page fields. */
    private function assertPageOf(Contract $contract, string $schema, array $page): void
    {
        $keys = array_keys($page);
        sort($keys);
        $this->assertSame(self::PAGE_FIELDS, $keys, "a page of $schema");
        $this->assertNotEmpty($page['results'], "a page of $schema has rows to check");
        $this->assertIsInt($page['count']);
        foreach ($page['results'] as $row) {
            $this->assertShape($contract, $schema, $row);
        }
    }

    /** @param list<array> $list */
    private function assertListOf(Contract $contract, string $schema, array $list): void
    {
        $this->assertTrue(array_is_list($list), "a list of $schema");
        $this->assertNotEmpty($list, "a list of $schema has items to check");
        foreach ($list as $item) {
            $this->assertShape($contract, $schema, $item);
        }
    }

    public function testEveryResultHasTheShapeOfTheHostedApi(): void
    {
        $contract = new Contract();
        $igny8 = $this->withFake();

        // One of everything: the five functions, a custom prompt, setting, profile, credits.
        $sector = $igny8->createSector(['name' => 'Contract ' . uniqid()]);
        $this->assertShape($contract, 'Sector', $sector);
        $ids = [];
        foreach (['garden hose', 'best garden hose', 'hose reel', 'hose reel cart'] as $t) {
            $ids[] = $igny8->createKeyword(['sector_id' => $sector['id'], 'keyword' => $t, 'volume' => 100])['id'];
        }
        $this->runJob($igny8, 'auto_cluster', ['ids' => $ids]);
        $clusters = $igny8->clusters(['sector_id' => $sector['id']]);
        $this->runJob($igny8, 'generate_ideas', ['ids' => [$clusters['results'][0]['id']]]);
        $ideas = $igny8->ideas(['sector_id' => $sector['id']]);
        $tasks = $igny8->queueIdeas([$ideas['results'][0]['id']]);
        $this->runJob($igny8, 'generate_content', ['ids' => [$tasks[0]['id']]]);
        $content = $igny8->contents(['task_id' => $tasks[0]['id']])['results'][0];
        $this->runJob($igny8, 'generate_image_prompts', ['ids' => [$content['id']]]);
        $images = $igny8->images(['content_id' => $content['id']]);
        $job = $this->runJob($igny8, 'generate_images', ['ids' => array_column($images['results'], 'id')]);
        $prompt = $igny8->setPrompt('content', 'Write about {{title}} in a {{tone}} tone.');
        $igny8->setSetting('content.tone', 'friendly');
        $profile = $igny8->createAuthorProfile(['name' => 'Contract author', 'tone' => 'warm']);
        $igny8->addCredits(5, 'contract test');
        $igny8->setIntegration('runware', ['api_key' => 'contract-test-0000', 'is_active' => false]);

        $this->assertListOf($contract, 'Sector', $igny8->sectors());
        $this->assertPageOf($contract, 'Keyword', $igny8->keywords(['sector_id' => $sector['id']]));
        $this->assertShape($contract, 'Keyword', $igny8->keyword($ids[0]));
        $this->assertPageOf($contract, 'Cluster', $clusters);
        $this->assertShape($contract, 'Cluster', $igny8->cluster($clusters['results'][0]['id']));
        $this->assertPageOf($contract, 'Idea', $ideas);
        $this->assertShape($contract, 'Idea', $igny8->idea($ideas['results'][0]['id']));
        $this->assertListOf($contract, 'QueuedTask', $tasks);
        $this->assertPageOf($contract, 'Task', $igny8->tasks(['sector_id' => $sector['id']]));
        $this->assertShape($contract, 'Task', $igny8->task($tasks[0]['id']));
        $this->assertPageOf($contract, 'Content', $igny8->contents(['task_id' => $tasks[0]['id']]));
        $this->assertShape($contract, 'Content', $igny8->content($content['id']));
        $this->assertPageOf($contract, 'Image', $igny8->images(['content_id' => $content['id']]));
        $this->assertShape($contract, 'Image', $igny8->image($images['results'][0]['id']));
        $generated = array_values(array_filter($igny8->images(['content_id' => $content['id']])['results'], fn ($i) => $i['status'] === 'generated'));
        $this->assertNotEmpty($generated, 'images were generated');
        $post = $igny8->renderPost($content['id'], ['media' => [['image_id' => $generated[0]['id'], 'attachment_id' => 7, 'url' => 'https://wp.example/a.png']]]);
        $this->assertShape($contract, 'WordPressPost', $post);
        $this->assertContains(7, $post['media']);
        // No media yet: an empty PHP array is an empty list, not a refused map.
        $this->assertShape($contract, 'WordPressPost', $igny8->renderPost($content['id'], ['media' => []]));
        $recorded = $igny8->recordLinks(['pages' => [['kind' => 'post', 'wp_id' => 3, 'url' => 'https://blog.example/?p=3', 'title' => 'A post', 'keywords' => []]], 'complete' => true]);
        $this->assertShape($contract, 'LinkRecorded', $recorded);
        $this->assertPageOf($contract, 'LinkPage', $igny8->linkInventory());
        $this->assertSame(1, $igny8->linkInventory(['kind' => 'post'])['count']);
        $this->assertTrue($igny8->forgetLink('post', 3));
        $this->assertSame(0, $igny8->linkInventory()['count']);
        $this->assertShape($contract, 'Prompt', $prompt);
        // prompts() is no API object: it is the plugin's view of every prompt type (the
        // default's template and variables with the account's override), which the remote
        // backend assembles from thinker/prompts/ and thinker/prompts/defaults/ alike.
        $this->assertShape($contract, 'Transaction', $igny8->addCredits(1, 'contract test'));
        $this->assertPageOf($contract, 'AuthorProfile', $igny8->authorProfiles());
        $this->assertShape($contract, 'AuthorProfile', $profile);
        $this->assertListOf($contract, 'Setting', $igny8->settings());
        $this->assertListOf($contract, 'Integration', $igny8->integrations());
        $this->assertShape($contract, 'Balance', $igny8->credits());
        $this->assertPageOf($contract, 'Transaction', $igny8->transactions());
        $this->assertPageOf($contract, 'Usage', $igny8->usage());
        $this->assertShape($contract, 'Estimate', $igny8->estimate('generate_content', ['ids' => [$tasks[0]['id']]]));
        $this->assertShape($contract, 'Job', $job);
        $this->assertPageOf($contract, 'Job', $igny8->jobs());
        $this->assertShape($contract, 'Dashboard', $igny8->dashboard());
        $csv = "keyword,volume\ncontract import,10\n";
        $this->assertShape($contract, 'ImportResult', $igny8->importKeywords($sector['id'], $csv));
        $this->assertSame([], array_values($this->problems), implode("\n", $this->problems));
    }
}
