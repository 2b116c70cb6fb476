<?php

namespace Igny8\Tests;

/**
 * A test class whose install talks to igny8-fake-ai (a fake OpenAI-compatible provider, built
 * by run.sh; IGNY8_FAKE_AI_BIN names it), started once for the class.
 */
trait WithFakeAi
{
    /** @var resource|null */
    private static $fake = null;
    private static ?string $baseUrl = null;

    public static function setUpBeforeClass(): void
    {
        $bin = getenv('IGNY8_FAKE_AI_BIN');
        if ($bin === false || !is_executable($bin)) {
            return;
        }
        self::$fake = proc_open([$bin], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        $line = fgets($pipes[1]);
        if ($line !== false && preg_match('#listening on (http://\S+)#', $line, $m)) {
            self::$baseUrl = $m[1];
        }
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$fake !== null) {
            proc_terminate(self::$fake);
            proc_close(self::$fake);
        }
    }

    protected function withFake(): \Igny8\Igny8
    {
        if (self::$baseUrl === null) {
            $this->markTestSkipped('igny8-fake-ai is not built (cargo build -p tests --bin igny8-fake-ai)');
        }
        $media = getenv('IGNY8_PHP_TEST_MEDIA_DIR') ?: sys_get_temp_dir() . '/igny8-media-' . getmypid();
        return self::open([
            'ai' => [
                'OPENAI_BASE_URL' => self::$baseUrl . '/v1',
                'OPENAI_MODEL' => 'gpt-4o-mini',
                'IMAGE_PROVIDER' => 'openai',
            ],
            'media_dir' => $media,
            'media_url' => 'https://blog.example/wp-content/uploads/igny8',
        ]);
    }

    /** Starts a function, runs the queue, and checks the job succeeded. */
    protected function runJob(\Igny8\Igny8 $igny8, string $function, array $input): array
    {
        $started = $igny8->start($function, $input);
        $this->assertSame('queued', $started['job']['status']);
        $this->assertSame($function, $started['estimate']['operation']);
        $ran = $igny8->runJobs(60.0);
        $this->assertContains($started['job']['id'], $ran['jobs']);
        $job = $igny8->job($started['job']['id']);
        $this->assertSame('succeeded', $job['status'], json_encode($job));
        return $job;
    }
}
