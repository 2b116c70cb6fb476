<?php

namespace Igny8\Tests;

use Igny8\Igny8;

final class AccountTest extends TestCase
{
    public function testOpenTwiceIsTheSameAccountSiteAndSector(): void
    {
        $first = self::open()->info();
        $second = self::open()->info();
        $this->assertSame($first, $second);
        $this->assertSame('Test blog', $first['site_name']);
        $this->assertSame('https://blog.example', $first['site_url']);
        $this->assertContains($first['backend'], ['sqlite', 'mysql']);
        $sectors = self::open()->sectors();
        $this->assertContains($first['default_sector_id'], array_column($sectors, 'id'));
        // Another table prefix is another install.
        $other = Igny8::open(self::options(['table_prefix' => self::prefix() . 'b_']))->info();
        $this->assertSame(1, $other['account_id']);
        $this->assertSame(1, $first['account_id']);
    }

    public function testSiteNameAndUrlFollowWordPress(): void
    {
        $before = self::open()->info();
        $renamed = self::open(['site_name' => 'Renamed blog', 'site_url' => 'https://new.example'])->info();
        $this->assertSame($before['site_id'], $renamed['site_id']);
        $this->assertSame('Renamed blog', $renamed['site_name']);
        $this->assertSame('https://new.example', $renamed['site_url']);
        // Another process (no cache) reads the stored name.
        $this->assertSame('Renamed blog', ProcessTest::inChild(static::options(['site_name' => 'Renamed blog', 'site_url' => 'https://new.example']), 'info')['site_name']);
        $back = self::open()->info();
        $this->assertSame('Test blog', $back['site_name']);
    }

    public function testBadOptionsAreValidationErrors(): void
    {
        $e = $this->failure(fn () => Igny8::open([]));
        $this->assertSame('validation', $e->errorCode());
        $this->assertSame(['database_url'], array_column($e->fieldErrors(), 'field'));
        $e = $this->failure(fn () => Igny8::open(self::options(['colour' => 'blue'])));
        $this->assertSame(['colour'], array_column($e->fieldErrors(), 'field'));
        $e = $this->failure(fn () => Igny8::open(self::options(['ai' => ['OPENAI_BASE_URL' => 'ftp://x']])));
        $this->assertSame('validation', $e->errorCode());
        $e = $this->failure(fn () => Igny8::open(self::options(['secret_key' => 'not base64'])));
        $this->assertSame(['secret_key'], array_column($e->fieldErrors(), 'field'));
        $e = $this->failure(fn () => Igny8::open(self::options(['ai' => ['NO_SUCH_SETTING' => '1']])));
        $this->assertSame(['ai.NO_SUCH_SETTING'], array_column($e->fieldErrors(), 'field'));
    }

    public function testSectors(): void
    {
        $igny8 = self::open();
        $name = 'Sector ' . uniqid();
        $sector = $igny8->createSector(['name' => $name, 'description' => 'for tests']);
        $this->assertSame($name, $sector['name']);
        $this->assertSame('for tests', $sector['description']);
        $changed = $igny8->updateSector($sector['id'], ['description' => null]);
        $this->assertNull($changed['description']);
        $this->assertContains($sector['id'], array_column($igny8->sectors(), 'id'));
        $e = $this->failure(fn () => $igny8->createSector(['name' => $name]));
        $this->assertSame('conflict', $e->errorCode());
        $igny8->deleteSector($sector['id']);
        $default = $igny8->info()['default_sector_id'];
        $e = $this->failure(fn () => $igny8->deleteSector($default));
        $this->assertSame('validation', $e->errorCode());
        $this->assertContains($default, array_column($igny8->sectors(), 'id'));
        $this->assertNotContains($sector['id'], array_column($igny8->sectors(), 'id'));
    }

    public function testSettingsAndPrompts(): void
    {
        $igny8 = self::open();
        $settings = array_column($igny8->settings(), null, 'key');
        $this->assertArrayHasKey('content.word_count', $settings);
        $default = $settings['content.word_count']['value'];

        $set = $igny8->setSetting('content.word_count', 1800);
        $this->assertSame(1800, $set['value']);
        $this->assertSame(1800, array_column($igny8->settings(), null, 'key')['content.word_count']['value']);
        $e = $this->failure(fn () => $igny8->setSetting('content.word_count', 'long'));
        $this->assertSame('validation', $e->errorCode());
        $this->assertTrue($igny8->resetSetting('content.word_count'));
        $this->assertFalse($igny8->resetSetting('content.word_count'));
        $this->assertSame($default, array_column($igny8->settings(), null, 'key')['content.word_count']['value']);

        $prompts = array_column($igny8->prompts(), null, 'prompt_type');
        $this->assertArrayHasKey('clustering', $prompts);
        $this->assertFalse($prompts['clustering']['is_custom']);
        $this->assertSame($prompts['clustering']['default'], $prompts['clustering']['prompt_value']);
        $custom = $igny8->setPrompt('clustering', 'Group these: [IGNY8_KEYWORDS]');
        $this->assertSame('clustering', $custom['prompt_type']);
        $this->assertSame('Group these: [IGNY8_KEYWORDS]', $custom['template']);
        $this->assertSame('Group these: [IGNY8_KEYWORDS]', array_column($igny8->prompts(), null, 'prompt_type')['clustering']['prompt_value']);
        $this->assertTrue($igny8->resetPrompt('clustering'));
        $this->assertFalse(array_column($igny8->prompts(), null, 'prompt_type')['clustering']['is_custom']);
        $e = $this->failure(fn () => $igny8->setPrompt('no_such_prompt', 'x'));
        $this->assertSame('validation', $e->errorCode());
    }

    public function testIntegrationsNeverEchoTheKey(): void
    {
        $igny8 = self::open();
        $key = 'sk-test-' . bin2hex(random_bytes(12));
        $made = $igny8->setIntegration('openai', ['api_key' => $key, 'model' => 'gpt-4o-mini', 'is_active' => true]);
        $this->assertStringNotContainsString($key, json_encode($made));
        $this->assertTrue($made['has_secret']);
        $this->assertSame('gpt-4o-mini', $made['config']['model']);
        $listed = $igny8->integrations();
        $this->assertStringNotContainsString($key, json_encode($listed));
        $this->assertStringNotContainsString(substr($key, 0, 12), json_encode($listed));
        $this->assertSame(['openai'], array_column($listed, 'provider'));
        $this->assertTrue($igny8->removeIntegration('openai'));
        $this->assertSame([], $igny8->integrations());
        $this->assertFalse($igny8->removeIntegration('openai'));

        // Without a secret key, keys cannot be stored.
        $nokey = self::open(['secret_key' => '']);
        $e = $this->failure(fn () => $nokey->setIntegration('openai', ['api_key' => $key]));
        $this->assertSame(500, $e->status());
    }

    public function testCreditsStartingGrantAndTopUps(): void
    {
        $igny8 = self::open();
        $credits = $igny8->credits();
        $this->assertGreaterThan(0, $credits['balance']);
        $first = $igny8->transactions();
        $this->assertGreaterThanOrEqual(1, $first['count']);
        $this->assertSame('grant', end($first['results'])['kind']);

        $tx = $igny8->addCredits(500, 'top-up for tests');
        $this->assertSame(500, $tx['amount']);
        $this->assertSame('top-up for tests', $tx['reason']);
        $this->assertSame($credits['balance'] + 500, $igny8->credits()['balance']);
        $this->assertSame($tx['id'], $igny8->transactions(['page_size' => 1])['results'][0]['id']);
        $e = $this->failure(fn () => $igny8->addCredits(-5, 'no'));
        $this->assertSame('validation', $e->errorCode());
        $this->assertSame($credits['balance'] + 500, $igny8->credits()['balance']);
        $this->assertSame(0, $igny8->usage()['count']);
    }
}
