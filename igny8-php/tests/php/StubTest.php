<?php

namespace Igny8\Tests;

/**
 * The hand-written contract (stubs/igny8.php) against the loaded extension: the same classes,
 * methods, parameters (names, order, types, optional or not) and return types, so neither can
 * drift from the other.
 */
final class StubTest extends TestCase
{
    /** @return array<string, array> the stub's classes, methods and parameters, read by PHP's own parser. */
    private static function stub(): array
    {
        $file = dirname(__DIR__, 2) . '/stubs/igny8.php';
        $tokens = token_get_all(file_get_contents($file));
        $out = [];
        $class = null;
        $depth = 0;
        $classDepth = null;
        $n = count($tokens);
        for ($i = 0; $i < $n; $i++) {
            $t = $tokens[$i];
            if ($t === '{') { $depth++; continue; }
            if ($t === '}') { $depth--; if ($classDepth !== null && $depth < $classDepth) { $class = null; $classDepth = null; } continue; }
            if (!is_array($t)) { continue; }
            if ($t[0] === T_CLASS) {
                $class = 'Igny8\\' . self::nextName($tokens, $i);
                $classDepth = $depth + 1;
                $out[$class] = [];
            } elseif ($t[0] === T_FUNCTION && $class !== null) {
                $name = self::nextName($tokens, $i);
                // The signature up to the body: reflect it by compiling a free function.
                $sig = '';
                $start = $i + 1;
                while (!(is_array($tokens[$start]) && $tokens[$start][0] === T_STRING)) {
                    $start++;
                }
                for ($j = $start + 1; $j < $n && $tokens[$j] !== '{'; $j++) {
                    $sig .= is_array($tokens[$j]) ? $tokens[$j][1] : $tokens[$j];
                }
                $out[$class][$name] = trim($sig);
            }
        }
        return $out;
    }

    private static function nextName(array $tokens, int $i): string
    {
        for ($j = $i + 1; ; $j++) {
            if (is_array($tokens[$j]) && $tokens[$j][0] === T_STRING) {
                return $tokens[$j][1];
            }
        }
    }

    /** A method's shape: "name(type $param[ = optional], …): return". */
    private static function shape(\ReflectionFunctionAbstract $f): string
    {
        $params = array_map(function (\ReflectionParameter $p) {
            $type = (string) $p->getType();
            if ($p->isOptional()) {
                // `?array $q = null` (extension) and `array $q = []` (stub) are both "optional array".
                $type = ltrim($type, '?');
            }
            return $type . ' $' . $p->getName() . ($p->isOptional() ? ' = optional' : '');
        }, $f->getParameters());
        $return = $f->hasReturnType() ? ': ' . ltrim((string) $f->getReturnType(), '?') : '';
        return $f->getName() . '(' . implode(', ', $params) . ')' . $return;
    }

    public function testTheExtensionMatchesTheStub(): void
    {
        $ext = new \ReflectionExtension('igny8');
        $this->assertSame('igny8', $ext->getName());
        $stub = self::stub();
        $this->assertEqualsCanonicalizing(array_keys($stub), array_keys($ext->getClasses()));
        $this->assertSame([], $ext->getFunctions(), 'the extension exports only classes');

        foreach ($stub as $class => $methods) {
            $rc = new \ReflectionClass($class);
            $own = array_filter($rc->getMethods(), fn ($m) => $m->getDeclaringClass()->getName() === $class && $m->getName() !== '__construct');
            $actual = [];
            foreach ($own as $m) {
                $actual[$m->getName()] = self::shape($m) . ($m->isStatic() ? ' static' : '');
            }
            $expected = [];
            foreach ($methods as $name => $sig) {
                $fn = 'igny8_stub_' . md5($class . $name);
                if (!function_exists('Igny8\\' . $fn)) {
                    eval("namespace Igny8; function $fn$sig {}");
                }
                $shape = self::shape(new \ReflectionFunction('Igny8\\' . $fn));
                $expected[$name] = str_replace('Igny8\\' . $fn, $name, $shape)
                    . ((new \ReflectionMethod($class, $name))->isStatic() ? ' static' : '');
            }
            ksort($actual);
            ksort($expected);
            $this->assertSame($expected, $actual, "methods of $class");
        }
        $this->assertTrue((new \ReflectionClass('Igny8\\Igny8'))->isFinal());
        $this->assertTrue((new \ReflectionClass('Igny8\\Exception'))->isSubclassOf(\Exception::class));
    }
}
