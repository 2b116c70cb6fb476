<?php

namespace Igny8\Tests;

use Igny8\Igny8;

/**
 * Each test class is its own install: its own table prefix in the test database, so classes
 * don't see each other's keywords or credits.
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    /** A secret key for sealing provider keys (32 zero bytes, base64). */
    public const SECRET = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

    public static function databaseUrl(): string
    {
        $url = getenv('IGNY8_PHP_TEST_DATABASE_URL');
        if ($url === false || $url === '') {
            throw new \RuntimeException('IGNY8_PHP_TEST_DATABASE_URL is not set; run igny8-php/tests/run.sh');
        }
        return $url;
    }

    /** The table prefix of this test class. */
    protected static function prefix(): string
    {
        $short = strtolower((new \ReflectionClass(static::class))->getShortName());
        return 't_' . substr(preg_replace('/[^a-z0-9]/', '', $short), 0, 20) . '_';
    }

    protected static function options(array $extra = []): array
    {
        return $extra + [
            'database_url' => self::databaseUrl(),
            'table_prefix' => static::prefix(),
            'secret_key' => self::SECRET,
            'site_name' => 'Test blog',
            'site_url' => 'https://blog.example',
        ];
    }

    protected static function open(array $extra = []): Igny8
    {
        return Igny8::open(static::options($extra));
    }

    /** Runs $f and returns the Igny8\Exception it throws (failing if it throws none). */
    protected function failure(callable $f): \Igny8\Exception
    {
        try {
            $f();
        } catch (\Igny8\Exception $e) {
            return $e;
        }
        $this->fail('expected an Igny8\Exception');
    }
}
