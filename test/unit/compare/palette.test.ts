import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_CONTRAST, MIN_CONTRAST_HIGH, type Rgb, contrastRatio, parseRgb, slotRgb } from '../../../src/compare/palette.ts';

// The editor backgrounds of VS Code's Light Modern, Dark Modern, Dark High Contrast and Light High Contrast themes.
const BACKGROUNDS: [string, Rgb, number][] = [
  ['light', [255, 255, 255], MIN_CONTRAST],
  ['dark', [31, 31, 31], MIN_CONTRAST],
  ['high-contrast', [0, 0, 0], MIN_CONTRAST_HIGH],
  ['high-contrast-light', [255, 255, 255], MIN_CONTRAST_HIGH],
];

for (const [theme, background, min] of BACKGROUNDS) {
  test(`the first 20 run colours stand out in the ${theme} theme and differ from each other`, () => {
    const colors = Array.from({ length: 20 }, (_, slot) => slotRgb(slot, background, min));
    for (const color of colors) assert.ok(contrastRatio(color, background) >= min, `${color.join()} against ${background.join()}: ${contrastRatio(color, background).toFixed(2)}`);
    assert.equal(new Set(colors.map((c) => c.join())).size, colors.length);
  });
}

test('colours are parsed from the forms themes use', () => {
  assert.deepEqual(parseRgb('#1f1f1f'), [31, 31, 31]);
  assert.deepEqual(parseRgb('#fff'), [255, 255, 255]);
  assert.deepEqual(parseRgb('rgba(234, 92, 0, 0.33)'), [234, 92, 0]);
  assert.equal(parseRgb('var(--x)'), undefined);
});
