// Colours from the VS Code theme, read at run time (and again when the theme changes).

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
  palette: string[];
}

const PALETTE_VARIABLES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];

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
    palette: PALETTE_VARIABLES.map((name) => style.getPropertyValue(name).trim()).filter(Boolean),
  };
}

/** The colour of palette slot `slot`: the theme's chart colours first, then evenly spread hues. */
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

export function slotColor(theme: Theme, slot: number): string {
  if (slot < theme.palette.length) return theme.palette[slot]!;
  const hue = Math.round(((slot - theme.palette.length) * 137.508 + 200) % 360);
  const light = theme.kind === 'light' || theme.kind === 'high-contrast-light';
  return `hsl(${hue}, ${light ? 70 : 75}%, ${light ? 38 : 68}%)`;
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
