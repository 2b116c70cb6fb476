<?php

namespace Igny8\Tests;

use Igny8\Igny8;

/** Processes: a second PHP process, racing first opens, a forked child, and panics. */
final class ProcessTest extends TestCase
{
    /**
     * Runs `Igny8::open($options)->$method()` in a new PHP process with the extension; its
     * result (or ['error' => errorCode]).
     */
    public static function inChild(array $options, string $method, array $args = []): array
    {
        $ext = getenv('IGNY8_PHP_EXTENSION') ?: ini_get('extension');
        $code = '$in = json_decode(stream_get_contents(STDIN), true);'
            . 'try { $r = \Igny8\Igny8::open($in[0])->{$in[1]}(...$in[2]); }'
            . 'catch (\Igny8\Exception $e) { $r = ["error" => $e->errorCode()]; }'
            . 'echo json_encode($r);';
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . $ext, '-r', $code];
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        fwrite($pipes[0], json_encode([$options, $method, $args]));
        fclose($pipes[0]);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $status = proc_close($proc);
        if ($status !== 0) {
            throw new \RuntimeException("child php failed ($status): $err $out");
        }
        return json_decode($out, true);
    }

    public function testASecondProcessSeesTheSameInstall(): void
    {
        $mine = self::open()->info();
        $theirs = self::inChild(self::options(), 'info');
        $this->assertSame($mine, $theirs);
    }

    public function testRacingFirstOpensMakeOneAccount(): void
    {
        if (!function_exists('proc_open')) {
            $this->markTestSkipped('proc_open is disabled');
        }
        $options = self::options(['table_prefix' => self::prefix() . 'race_' . substr(uniqid(), -5) . '_']);
        $ext = getenv('IGNY8_PHP_EXTENSION') ?: ini_get('extension');
        $code = '$o = json_decode($argv[1], true); echo json_encode(\Igny8\Igny8::open($o)->info());';
        $procs = [];
        for ($i = 0; $i < 4; $i++) {
            $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . $ext, '-r', $code, json_encode($options)];
            $procs[] = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i]);
        }
        $infos = [];
        foreach ($procs as $i => $p) {
            $out = stream_get_contents($pipes[$i][1]);
            $err = stream_get_contents($pipes[$i][2]);
            $this->assertSame(0, proc_close($p), $err);
            $infos[] = json_decode($out, true);
        }
        $this->assertCount(1, array_unique(array_column($infos, 'account_id')));
        $this->assertCount(1, array_unique(array_column($infos, 'site_id')));
        $this->assertCount(1, array_unique(array_column($infos, 'default_sector_id')));
        $after = Igny8::open($options);
        $this->assertSame($infos[0]['account_id'], $after->info()['account_id']);
        // Exactly one starting grant: the losers' accounts (and grants) are gone.
        $this->assertSame(1, $after->transactions()['count']);
        $this->assertCount(1, $after->sectors());
    }

    public function testAForkedChildCanUseTheExtension(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('the CLI has no pcntl');
        }
        $igny8 = self::open();
        $parentKeyword = $igny8->createKeyword(['keyword' => 'parent ' . uniqid()]);
        $file = tempnam(sys_get_temp_dir(), 'igny8-fork');
        $pid = pcntl_fork();
        if ($pid === 0) {
            // The child: the runtime and pool of the parent must not be used here.
            $code = 1;
            try {
                $child = Igny8::open(self::options());
                $kw = $child->createKeyword(['keyword' => 'child ' . uniqid()]);
                $seen = $igny8->keyword($parentKeyword['id']);
                file_put_contents($file, json_encode(['child' => $kw['id'], 'seen' => $seen['id']]));
                $code = 0;
            } catch (\Throwable $e) {
                file_put_contents($file, json_encode(['error' => $e->getMessage()]));
            }
            // Leave without running PHPUnit's shutdown in the child.
            posix_kill(getmypid(), SIGKILL);
            exit($code);
        }
        // A child stuck on the parent's runtime or pool would hang: give it 30 s.
        $deadline = microtime(true) + 30;
        while (pcntl_waitpid($pid, $status, WNOHANG) === 0) {
            if (microtime(true) > $deadline) {
                posix_kill($pid, SIGKILL);
                pcntl_waitpid($pid, $status);
                unlink($file);
                $this->fail('the forked child hung using the extension');
            }
            usleep(20_000);
        }
        $result = json_decode(file_get_contents($file), true);
        unlink($file);
        $this->assertArrayNotHasKey('error', $result, $result['error'] ?? '');
        $this->assertSame($parentKeyword['id'], $result['seen']);
        // The parent still works, and sees the child's keyword.
        $this->assertSame('child', substr($igny8->keyword($result['child'])['keyword'], 0, 5));
    }

    public function testTheBuiltInServerWithForkedWorkers(): void
    {
        if (!function_exists('posix_kill') || !is_executable('/usr/bin/setsid')) {
            $this->markTestSkipped('needs posix and setsid');
        }
        // Workers fork from a parent that loaded the extension; each opens on its first request.
        $dir = sys_get_temp_dir() . '/igny8-php-server-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/index.php", '<?php
            $igny8 = \Igny8\Igny8::open(json_decode(getenv("IGNY8_SERVER_OPTIONS"), true));
            $igny8->createKeyword(["keyword" => "served " . uniqid("", true)]);
            echo json_encode(["pid" => getmypid(), "account" => $igny8->info()["account_id"]]);');
        file_put_contents("$dir/ready.txt", 'ok');
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $options = self::options(['table_prefix' => self::prefix() . 'srv_' . substr(uniqid(), -5) . '_']);
        $env = getenv() + ['PHP_CLI_SERVER_WORKERS' => '3', 'IGNY8_SERVER_OPTIONS' => json_encode($options)];
        $ext = getenv('IGNY8_PHP_EXTENSION') ?: ini_get('extension');
        $server = proc_open(
            ['/usr/bin/setsid', PHP_BINARY, '-n', '-d', 'extension=' . $ext, '-S', "127.0.0.1:$port", '-t', $dir],
            [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            $dir,
            $env
        );
        $pid = proc_get_status($server)['pid'];
        try {
            $url = "http://127.0.0.1:$port/index.php";
            for ($i = 0; $i < 50 && @file_get_contents("http://127.0.0.1:$port/ready.txt") !== 'ok'; $i++) {
                usleep(100_000);
            }
            $multi = curl_multi_init();
            $handles = [];
            for ($i = 0; $i < 8; $i++) {
                $h = curl_init($url);
                curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
                curl_setopt($h, CURLOPT_TIMEOUT, 20);
                curl_multi_add_handle($multi, $h);
                $handles[] = $h;
            }
            do {
                curl_multi_exec($multi, $running);
                curl_multi_select($multi, 0.1);
            } while ($running > 0);
            $bodies = array_map(fn ($h) => (string) curl_multi_getcontent($h), $handles);
            $answers = array_map(fn ($b) => json_decode($b, true), $bodies);
        } finally {
            posix_kill(-$pid, SIGKILL);
            proc_close($server);
            array_map('unlink', glob("$dir/*"));
            rmdir($dir);
        }
        foreach ($answers as $i => $a) {
            $this->assertIsArray($a, 'a worker failed to answer: ' . $bodies[$i]);
        }
        $this->assertCount(1, array_unique(array_column($answers, 'account')));
        $this->assertSame(8, Igny8::open($options)->keywords()['count']);
    }

    public function testAPanicBecomesAnException(): void
    {
        $e = $this->failure(fn () => Igny8::open(self::options(['debug_panic' => true])));
        $this->assertSame('internal', $e->errorCode());
        $this->assertSame(500, $e->status());
        $this->assertStringContainsString('panic', $e->getMessage());
        // The process carries on.
        $this->assertSame(self::open()->info()['account_id'], self::open()->info()['account_id']);
    }
}
