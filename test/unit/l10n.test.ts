import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const bundle = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

const USER_FACING = new Set(['displayName', 'description', 'title', 'shortTitle', 'category', 'name', 'contextualTitle', 'contents', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels']);

function* userFacingStrings(value: unknown, where: string, field?: string): Generator<[string, string]> {
  if (typeof value === 'string') {
    if (field && USER_FACING.has(field)) yield [where, value];
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* userFacingStrings(item, `${where}[${i}]`, typeof item === 'string' ? field : undefined);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* userFacingStrings(item, `${where}.${key}`, key);
  }
}

const checked = { displayName: manifest.displayName, description: manifest.description, capabilities: manifest.capabilities, contributes: manifest.contributes };
const strings = [...userFacingStrings(checked, 'package.json')];

test('every title, name and description package.json contributes comes from package.nls.json', () => {
  const literal = strings.filter(([, text]) => !/^%[^%]+%$/.test(text)).map(([where, text]) => `${where}: "${text}"`);
  assert.deepEqual(literal, [], 'move these to package.nls.json and refer to them as %key%');
});

test('every %key% in package.json exists in package.nls.json, and every key there is used', () => {
  const used = new Set(strings.map(([, text]) => /^%([^%]+)%$/.exec(text)?.[1]).filter((key): key is string => key !== undefined));
  assert.deepEqual([...used].filter((key) => !(key in bundle)), []);
  assert.deepEqual(Object.keys(bundle).filter((key) => !used.has(key)), []);
  for (const [key, text] of Object.entries(bundle)) assert.ok(text.trim().length > 0, `${key} is empty`);
});

test('the VSIX carries package.nls.json', () => {
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('!package.nls.json'));
});
