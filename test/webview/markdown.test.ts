import './dom.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../webview/run/markdown.ts';
import { mount } from './dom.ts';

test('a run note renders headings, lists, emphasis, code and http links', () => {
  const root = mount(renderMarkdown('# Result\n\nThe **best** run so far, see [the sweep](https://example.com/sweep).\n\n- lr `0.01`\n- *seed* 3\n\n```\nprint(1)\n```'));
  assert.equal(root.querySelector('h3')?.textContent, 'Result');
  assert.equal(root.querySelector('strong')?.textContent, 'best');
  assert.equal(root.querySelector('a')?.getAttribute('href'), 'https://example.com/sweep');
  assert.deepEqual([...root.querySelectorAll('li')].map((li) => li.textContent), ['lr 0.01', 'seed 3']);
  assert.equal(root.querySelector('pre code')?.textContent, 'print(1)');
});

test('script-like text in a note stays text: no element, attribute or javascript: link comes from it', () => {
  const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script>\n\n[click](javascript:alert(3)) **<b onclick=x>bold</b>**';
  const root = mount(renderMarkdown(hostile));
  assert.equal(root.querySelector('img, script, b'), null);
  assert.equal(root.querySelector('a'), null, 'a javascript: link is shown as text');
  assert.ok(![...root.querySelectorAll('*')].some((node) => [...node.attributes].some((a) => a.name.startsWith('on'))));
  assert.match(root.textContent ?? '', /<script>alert\(2\)<\/script>/);
  assert.match(root.textContent ?? '', /click \(javascript:alert\(3\)\)/);
});
