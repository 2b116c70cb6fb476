<?php

namespace Igny8\Tests;

/**
 * The hosted API's OpenAPI document (docs/openapi.json) as the one contract of every face:
 * checks a value the extension returned against a schema of the document — every required
 * property present, no property the document doesn't have, each value of its type, format and
 * enum, recursively. The plugin's `Backend` interface hands either face's arrays to the same
 * code, so a difference here is a bug in the plugin waiting to happen.
 *
 * The document is OpenAPI 3.0 as poem-openapi writes it (`nullable`, `$ref`, one-element
 * `anyOf`/`allOf`), a small enough subset that checking it here beats a JSON-Schema library
 * that doesn't know `nullable`.
 */
final class Contract
{
    /** @var array<string, array> */
    private array $schemas;

    public function __construct(?string $document = null)
    {
        $document ??= __DIR__ . '/../../../docs/openapi.json';
        $this->schemas = json_decode((string) file_get_contents($document), true, 512, JSON_THROW_ON_ERROR)['components']['schemas'];
    }

    /**
     * What is wrong with `$value` as a `$schema`, one line per problem, each naming where.
     *
     * @param array<string, string> $extras Properties the extension may add (name => why), at
     *                                       the top level of the value.
     * @return list<string>
     */
    public function problems(string $schema, mixed $value, array $extras = []): array
    {
        if (!isset($this->schemas[$schema])) {
            return ["the document has no schema $schema"];
        }
        $problems = [];
        $this->check($this->schemas[$schema], $value, $schema, $problems, $extras);
        return $problems;
    }

    private function resolve(array $schema): array
    {
        while (true) {
            if (isset($schema['$ref'])) {
                $schema = $this->schemas[substr($schema['$ref'], strlen('#/components/schemas/'))] + $schema;
                unset($schema['$ref']);
                continue;
            }
            foreach (['anyOf', 'allOf', 'oneOf'] as $one) {
                if (isset($schema[$one]) && count($schema[$one]) === 1) {
                    $inner = $schema[$one][0];
                    unset($schema[$one]);
                    $schema = $inner + $schema;
                    continue 2;
                }
            }
            return $schema;
        }
    }

    /** @param list<string> $problems */
    private function check(array $schema, mixed $value, string $at, array &$problems, array $extras = []): void
    {
        $schema = $this->resolve($schema);
        if ($value === null) {
            if (!($schema['nullable'] ?? false) && isset($schema['type'])) {
                $problems[] = "$at is null; the document says {$schema['type']}, not nullable";
            }
            return;
        }
        if (isset($schema['enum']) && !in_array($value, $schema['enum'], true)) {
            $problems[] = "$at is " . json_encode($value) . ', not one of ' . json_encode($schema['enum']);
            return;
        }
        switch ($schema['type'] ?? null) {
            case null:
                return; // any value
            case 'integer':
                is_int($value) || $problems[] = "$at is " . json_encode($value) . ', not an integer';
                return;
            case 'number':
                (is_int($value) || is_float($value)) || $problems[] = "$at is " . json_encode($value) . ', not a number';
                return;
            case 'boolean':
                is_bool($value) || $problems[] = "$at is " . json_encode($value) . ', not a boolean';
                return;
            case 'string':
                if (!is_string($value)) {
                    $problems[] = "$at is " . json_encode($value) . ', not a string';
                } elseif (($schema['format'] ?? '') === 'date-time' && !preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/', $value)) {
                    $problems[] = "$at is \"$value\", not an RFC 3339 date-time";
                }
                return;
            case 'array':
                if (!is_array($value) || !array_is_list($value)) {
                    $problems[] = "$at is not a list";
                    return;
                }
                foreach ($value as $i => $item) {
                    $this->check($schema['items'] ?? [], $item, "{$at}[$i]", $problems);
                }
                return;
            case 'object':
                if (!is_array($value) || ($value !== [] && array_is_list($value))) {
                    $problems[] = "$at is not an object";
                    return;
                }
                $properties = $schema['properties'] ?? [];
                foreach ($schema['required'] ?? [] as $name) {
                    array_key_exists($name, $value) || $problems[] = "$at has no $name (required)";
                }
                foreach ($value as $name => $item) {
                    if (isset($properties[$name])) {
                        $this->check($properties[$name], $item, "$at.$name", $problems);
                    } elseif (($schema['additionalProperties'] ?? false) !== false) {
                        $this->check((array) $schema['additionalProperties'], $item, "$at.$name", $problems);
                    } elseif (!isset($extras[$name])) {
                        $problems[] = "$at has $name, which the document doesn't";
                    }
                }
                return;
        }
    }
}
