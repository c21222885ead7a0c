// Run colours: Tableau 10, a categorical palette tested for telling lines apart, with each colour's
// lightness moved just enough to stand out against the theme's background (WCAG contrast).

export type Rgb = readonly [number, number, number];

/** Tableau 10 (Tableau's default categorical palette since 2016). */
const TABLEAU_10: readonly Rgb[] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
];

/** Lines and chips need 3:1 against the background (WCAG 1.4.11); high contrast themes ask 4.5:1. */
export const MIN_CONTRAST = 3;
export const MIN_CONTRAST_HIGH = 4.5;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function toHsl([r, g, b]: Rgb): [number, number, number] {
  const [rr, gg, bb] = [r / 255, g / 255, b / 255];
  const max = Math.max(rr, gg, bb);
  const min = Math.min(rr, gg, bb);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === rr ? (gg - bb) / d + (gg < bb ? 6 : 0) : max === gg ? (bb - rr) / d + 2 : (rr - gg) / d + 4;
  return [h / 6, s, l];
}

function fromHsl(h: number, s: number, l: number): Rgb {
  const hue = (p: number, q: number, t: number) => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (u < 1 / 6) return p + (q - p) * 6 * u;
    if (u < 1 / 2) return q;
    if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
    return p;
  };
  if (s === 0) return [Math.round(l * 255), Math.round(l * 255), Math.round(l * 255)];
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  return [Math.round(hue(p, q, h + 1 / 3) * 255), Math.round(hue(p, q, h) * 255), Math.round(hue(p, q, h - 1 / 3) * 255)];
}

/** `color` darkened (on a light background) or lightened (on a dark one) until it reaches `min` contrast. */
function withContrast(color: Rgb, background: Rgb, min: number): Rgb {
  if (contrastRatio(color, background) >= min) return color;
  const [h, s, l] = toHsl(color);
  const darker = luminance(background) > 0.18;
  for (let step = 1; step <= 100; step++) {
    const candidate = fromHsl(h, s, Math.min(1, Math.max(0, darker ? l - step * 0.01 : l + step * 0.01)));
    if (contrastRatio(candidate, background) >= min) return candidate;
  }
  return darker ? [0, 0, 0] : [255, 255, 255];
}

/** Palette slot `slot` against `background`: Tableau 10, then evenly spread hues. */
export function slotRgb(slot: number, background: Rgb, min: number): Rgb {
  const base = slot < TABLEAU_10.length ? TABLEAU_10[slot]! : fromHsl((((slot - TABLEAU_10.length) * 137.508 + 200) % 360) / 360, 0.65, 0.5);
  return withContrast(base, background, min);
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** A colour written as #rgb, #rrggbb(aa) or rgb(a)(…); undefined for anything else. Alpha is ignored. */
export function parseRgb(css: string): Rgb | undefined {
  const text = css.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(text)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) return [0, 1, 2].map((i) => parseInt(hex[i]! + hex[i]!, 16)) as unknown as Rgb;
  if (hex && (hex.length === 6 || hex.length === 8)) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(text);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}
