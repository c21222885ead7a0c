/** The run page's own layout (adopted with adoptStyles). Theme variables only. */
export const RUN_CSS = `
[hidden] { display: none !important; }
.run-header { padding-top: 8px; }
.title-row { display: flex; align-items: center; gap: 8px 12px; flex-wrap: wrap; }
.title-row h1 { margin: 4px 0; overflow-wrap: anywhere; }
.title-row input.rename { font: inherit; font-size: 1.4em; font-weight: 600; min-width: 16em; }
.status { display: inline-flex; align-items: center; gap: 4px; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; font-size: 0.9em; white-space: nowrap; }
.status.RUNNING { color: var(--vscode-charts-blue, var(--vscode-foreground)); }
.status.FINISHED { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green, var(--vscode-foreground))); }
.status.FAILED { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.status.KILLED { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
.spacer { flex: 1; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr)); gap: 6px 24px; margin: 8px 0 12px; }
.meta div { min-width: 0; display: flex; gap: 8px; align-items: baseline; }
.meta dt { color: var(--vscode-descriptionForeground); flex: none; min-width: 6.5em; }
.meta dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.link-button { background: none; border: none; padding: 0; font: inherit; color: var(--vscode-textLink-foreground); cursor: pointer; text-align: left; overflow-wrap: anywhere; }
.link-button:hover { text-decoration: underline; }
.links { display: flex; flex-wrap: wrap; gap: 4px 10px; }
.gone { margin: 24px 0; }
.section-tools { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; margin: 8px 0; }
input.filter, .tag-form input, .run-header input { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; font: inherit; }
input.filter { min-width: 16em; }
.table-wrap { overflow: auto; max-height: 70vh; }
.table-wrap thead th { position: sticky; top: 0; background: var(--vscode-editor-background); z-index: 1; }
table.metrics td.key, table.kv td.key { font-family: var(--vscode-editor-font-family, monospace); }
td.spark { width: 130px; padding-top: 2px; padding-bottom: 2px; }
svg.sparkline { display: block; width: 120px; height: 24px; overflow: visible; }
tr.selected td { background: var(--vscode-list-inactiveSelectionBackground, transparent); }
.chart-card { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 2px; padding: 8px; margin: 8px 0 16px; }
.chart-card header { display: flex; align-items: center; gap: 8px; min-width: 0; }
.chart-card h2 { font-size: 1em; margin: 0; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chart-info { font-size: 0.9em; color: var(--vscode-descriptionForeground); margin: 2px 0 4px; min-height: 1.3em; }
.chart-box { position: relative; height: 300px; }
.chart-box canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.chart-targets { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.9em; color: var(--vscode-descriptionForeground); margin: 4px 0 0; }
.target-swatch { display: inline-block; width: 18px; border-top: 1px dashed var(--vscode-foreground); vertical-align: middle; margin-right: 6px; }
.icon-button { background: transparent; color: var(--vscode-foreground); border: none; font: inherit; cursor: pointer; padding: 2px 6px; display: inline-flex; align-items: center; gap: 4px; }
.icon-button:hover { background: var(--vscode-toolbar-hoverBackground, transparent); }
.tag-form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
.note-box textarea { width: 100%; box-sizing: border-box; min-height: 8em; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-widget-border, transparent)); font-family: var(--vscode-editor-font-family, monospace); padding: 6px; }
.markdown { padding: 4px 12px; border-left: 3px solid var(--vscode-textBlockQuote-border, var(--vscode-widget-border, transparent)); background: var(--vscode-textBlockQuote-background, transparent); }
.markdown pre, .preview pre { background: var(--vscode-textCodeBlock-background, transparent); padding: 8px; overflow: auto; }
.artifacts { display: grid; grid-template-columns: minmax(220px, 1fr) 2fr; gap: 12px; min-height: 300px; }
@media (max-width: 700px) { .artifacts { grid-template-columns: 1fr; } }
.tree { list-style: none; margin: 0; padding: 4px 0; border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); max-height: 70vh; overflow: auto; }
.tree ul { list-style: none; margin: 0; padding: 0; }
.tree [role="treeitem"] > .row { display: flex; gap: 6px; align-items: center; padding: 1px 8px; cursor: pointer; white-space: nowrap; }
.tree [role="treeitem"] > .row:hover { background: var(--vscode-list-hoverBackground, transparent); }
.tree [role="treeitem"][aria-selected="true"] > .row { background: var(--vscode-list-activeSelectionBackground, var(--vscode-list-inactiveSelectionBackground)); color: var(--vscode-list-activeSelectionForeground, inherit); }
.tree [role="treeitem"]:focus { outline: none; }
.tree [role="treeitem"]:focus-visible > .row { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.tree .name { overflow: hidden; text-overflow: ellipsis; flex: 1; min-width: 0; }
.tree .size { color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
.tree .missing .name { text-decoration: line-through; }
.preview { min-width: 0; }
.preview-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.preview-head h2 { margin: 4px 0; overflow-wrap: anywhere; flex: 1 1 100%; }
.hash { font-family: var(--vscode-editor-font-family, monospace); font-size: 0.9em; overflow-wrap: anywhere; }
.preview-body { margin-top: 8px; }
.preview-body img { max-width: 100%; max-height: 70vh; background: repeating-conic-gradient(var(--vscode-editorWidget-background, transparent) 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
.preview-body pre { max-height: 70vh; white-space: pre; margin: 0; }
body.vscode-high-contrast .chart-card, body.vscode-high-contrast-light .chart-card, body.vscode-high-contrast .tree { border-color: var(--vscode-contrastBorder); }
`;
