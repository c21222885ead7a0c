/** The compare panel's own layout (adopted with adoptStyles). Theme variables only. */
export const COMPARE_CSS = `
[hidden] { display: none !important; }
.compare-header { position: sticky; top: 0; z-index: 5; background: var(--vscode-editor-background); padding-top: 8px; }
.title-row { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.title-row h1 { margin: 4px 0; overflow-wrap: anywhere; }
.live-badge { color: var(--vscode-charts-green, var(--vscode-foreground)); font-size: 0.9em; }
.compare-toolbar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0; }
.control { display: inline-flex; align-items: center; gap: 6px; }
.control vscode-single-select { min-width: 9em; }
.strength { width: 9em; accent-color: var(--vscode-button-background); }
.strength:disabled { opacity: 0.5; }
.strength-value { min-width: 6.5em; font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 6px; margin: 4px 0 8px; }
.legend-entry { display: inline-flex; align-items: stretch; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); border-radius: 2px; max-width: 100%; }
.legend-toggle, .icon-button { background: transparent; color: var(--vscode-foreground); border: none; font: inherit; cursor: pointer; padding: 2px 6px; display: inline-flex; align-items: center; gap: 6px; min-width: 0; }
.legend-toggle:hover, .icon-button:hover { background: var(--vscode-toolbar-hoverBackground, transparent); }
.legend-toggle[aria-pressed="false"] .legend-name { text-decoration: line-through; opacity: 0.6; }
.legend-toggle[aria-pressed="false"] .swatch { opacity: 0.35; }
.legend-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 24em; }
.legend-group { color: var(--vscode-descriptionForeground); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 12em; }
.swatch { display: inline-block; vertical-align: middle; width: 14px; height: 4px; border-radius: 2px; flex: none; }
.notes { margin: 4px 0; padding: 0; list-style: none; }
.notes li { padding: 4px 8px; margin: 2px 0; border-left: 3px solid var(--vscode-editorInfo-foreground, var(--vscode-focusBorder)); background: var(--vscode-textBlockQuote-background, transparent); display: flex; gap: 8px; align-items: center; justify-content: space-between; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 480px), 1fr)); gap: 12px; margin-top: 8px; }
.chart-card { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 2px; padding: 8px; min-width: 0; }
.chart-card header { display: flex; align-items: center; gap: 8px; min-width: 0; }
.chart-card h2 { font-size: 1em; margin: 0; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chart-info { font-size: 0.9em; color: var(--vscode-descriptionForeground); margin: 2px 0 4px; min-height: 1.3em; }
.chart-box { position: relative; height: 260px; }
.chart-box canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.chart-targets { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.9em; color: var(--vscode-descriptionForeground); margin: 4px 0 0; }
.target-swatch { display: inline-block; width: 18px; border-top: 1px dashed var(--vscode-foreground); vertical-align: middle; margin-right: 6px; }
.chart-hint { font-size: 0.85em; color: var(--vscode-descriptionForeground); margin: 8px 0 0; }
.table-tools { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; margin: 8px 0; }
.table-wrap { overflow: auto; max-height: 75vh; }
.table-wrap table { font-variant-numeric: tabular-nums; }
.table-wrap thead th { position: sticky; top: 0; background: var(--vscode-editor-background); z-index: 1; }
th button.sort { background: transparent; border: none; color: inherit; font: inherit; font-weight: 600; cursor: pointer; padding: 0; text-align: inherit; }
td.best { font-weight: 600; color: var(--vscode-charts-green, inherit); }
td.missing { color: var(--vscode-descriptionForeground); }
.param-name { font-family: var(--vscode-editor-font-family, monospace); }
.parallel-box { position: relative; height: 380px; margin: 8px 0 16px; }
.scatter-box { position: relative; height: 340px; }
vscode-tab-panel { padding-top: 4px; }
.ended-mark { display: inline-flex; align-items: center; gap: 3px; font-size: 0.9em; white-space: nowrap; }
.ended-mark .codicon { font-size: 14px; }
.ended-failed .codicon { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.ended-killed .codicon { color: var(--vscode-charts-orange, var(--vscode-editorWarning-foreground)); }
.end-mark { font-weight: 700; margin-right: 4px; }
.wide-summary td { white-space: nowrap; }
.wide-summary th.run-name { text-align: left; font-weight: normal; white-space: nowrap; max-width: 24em; overflow: hidden; text-overflow: ellipsis; }
.wide-summary .chip { margin-right: 6px; width: 10px; height: 10px; }
.wide-summary th .better { display: block; font-weight: normal; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
.wide-summary th.number { text-align: right; }
.wide-summary th.system { font-style: italic; }
.wide-summary tbody tr:hover { background: var(--vscode-list-hoverBackground, transparent); }
th button.sort:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.system-group { margin-top: 16px; border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding-top: 8px; }
.system-group > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
.system-group > summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.system-group > summary .muted { font-weight: normal; }
body.vscode-high-contrast .chart-card, body.vscode-high-contrast-light .chart-card, body.vscode-high-contrast .legend-entry { border-color: var(--vscode-contrastBorder); }
`;
