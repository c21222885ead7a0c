// Colours from the VS Code theme, read at run time (and again when the theme changes).
import { MIN_CONTRAST, MIN_CONTRAST_HIGH, type Rgb, parseRgb, rgbCss, slotRgb } from '../../src/compare/palette.ts';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  grid: string;
  focus: string;
  hoverBackground: string;
  hoverForeground: string;
  hoverBorder: string;
  font: string;
  fontSize: number;
  /** The editor background run colours must stand out against. */
  background: Rgb;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const classes = document.body.classList;
  const kind: Theme['kind'] = classes.contains('vscode-high-contrast-light')
    ? 'high-contrast-light'
    : classes.contains('vscode-high-contrast')
      ? 'high-contrast'
      : classes.contains('vscode-light')
        ? 'light'
        : 'dark';
  const foreground = variable('--vscode-foreground', kind === 'light' || kind === 'high-contrast-light' ? '#3b3b3b' : '#cccccc');
  return {
    kind,
    foreground,
    muted: variable('--vscode-descriptionForeground', foreground),
    grid: withAlpha(variable('--vscode-contrastBorder', variable('--vscode-foreground', foreground)), kind.startsWith('high') ? 0.5 : 0.12),
    focus: variable('--vscode-focusBorder', '#0078d4'),
    hoverBackground: variable('--vscode-editorHoverWidget-background', variable('--vscode-editor-background', '#252526')),
    hoverForeground: variable('--vscode-editorHoverWidget-foreground', foreground),
    hoverBorder: variable('--vscode-editorHoverWidget-border', variable('--vscode-widget-border', foreground)),
    font: variable('--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(variable('--vscode-font-size', '13')) || 13,
    background: parseRgb(variable('--vscode-editor-background', '')) ?? (kind === 'light' || kind === 'high-contrast-light' ? [255, 255, 255] : [30, 30, 30]),
  };
}

/** Chart.js tooltip colours that match VS Code's hover widget. */
export function tooltipColors(theme: Theme) {
  return {
    backgroundColor: theme.hoverBackground,
    titleColor: theme.hoverForeground,
    bodyColor: theme.hoverForeground,
    borderColor: theme.hoverBorder,
    borderWidth: 1,
  };
}

/** The slot a run (or version) prefers: the same in every panel, so its colour is too. */
export function runSlot(id: number): number {
  return (id - 1) % 10;
}

/**
 * The colour of palette slot `slot`: opaque, Tableau 10 then evenly spread hues, each at least
 * 3:1 (4.5:1 in high contrast) against the editor background. Chips and lines share it.
 */
export function slotColor(theme: Theme, slot: number): string {
  return rgbCss(slotRgb(slot, theme.background, theme.kind.startsWith('high') ? MIN_CONTRAST_HIGH : MIN_CONTRAST));
}

let probe: CanvasRenderingContext2D | null | undefined;

/** `color` (any CSS colour) with the given opacity. */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const normalized = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normalized);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(normalized);
  return rgba ? `rgba(${rgba[1]!.trim()}, ${rgba[2]!.trim()}, ${rgba[3]!.trim()}, ${alpha})` : color;
}

/**
 * Calls `onChange` when VS Code switches theme: it swaps the body's vscode-* classes and rewrites
 * the --vscode-* variables on the root element, not always in the same frame.
 */
export function watchTheme(onChange: () => void): void {
  let scheduled = false;
  const changed = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange();
    });
  };
  new MutationObserver(changed).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  new MutationObserver(changed).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
