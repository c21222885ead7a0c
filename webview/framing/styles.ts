/**
 * The wizard's own layout, adopted as a constructed stylesheet (the panel's CSP allows no inline
 * styles). Colours come from VS Code's theme variables only, so light, dark and high-contrast
 * themes all work; media/webview.css gives the shared base.
 */
export const FRAMING_CSS = `
.fw-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; padding: 12px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
.fw-header h1 { margin: 0; font-size: 1.3em; overflow-wrap: anywhere; }
.fw-status { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.fw-actions { display: flex; flex-wrap: wrap; gap: 6px; }
.fw-verdict { padding: 1px 8px; border-radius: 10px; border: 1px solid var(--vscode-contrastBorder, transparent); background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.fw-verdict.strong-fit { background: var(--vscode-testing-iconPassed, var(--vscode-badge-background)); color: var(--vscode-editor-background); }
.fw-verdict.consider-non-ml { background: var(--vscode-inputValidation-errorBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); }
.fw-body { display: grid; grid-template-columns: minmax(180px, 240px) minmax(0, 1fr); gap: 24px; margin-top: 12px; }
@media (max-width: 640px) { .fw-body { grid-template-columns: minmax(0, 1fr); } }
.fw-rail ol { list-style: none; margin: 0; padding: 0; position: sticky; top: 8px; }
.fw-rail button { display: grid; grid-template-columns: 2em 1fr auto; align-items: center; gap: 6px; width: 100%; padding: 5px 8px; margin: 1px 0; text-align: left; border: 1px solid transparent; border-radius: 3px; background: transparent; color: var(--vscode-foreground); font: inherit; cursor: pointer; }
.fw-rail button:hover { background: var(--vscode-list-hoverBackground); }
.fw-rail button[aria-current="step"] { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); border-color: var(--vscode-contrastActiveBorder, transparent); }
.fw-rail button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.fw-rail .num { display: inline-flex; justify-content: center; align-items: center; width: 1.7em; height: 1.7em; border-radius: 50%; border: 1px solid var(--vscode-descriptionForeground); font-size: 0.85em; }
.fw-rail .complete .num { background: var(--vscode-testing-iconPassed); border-color: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
.fw-rail .count { color: var(--vscode-descriptionForeground); font-size: 0.9em; font-variant-numeric: tabular-nums; }
.fw-rail button[aria-current="step"] .count { color: inherit; }
.fw-step { max-width: 860px; min-width: 0; }
.fw-step h2 { font-size: 1.25em; margin-top: 4px; }
.fw-step h2:focus { outline: none; }
.fw-intro { color: var(--vscode-descriptionForeground); margin: 0 0 16px; }
.fw-field { margin: 0 0 18px; }
.fw-field vscode-textfield, .fw-field vscode-textarea, .fw-field vscode-single-select { width: 100%; max-width: 640px; }
.fw-help p { margin: 2px 0; }
.fw-example { font-style: italic; }
.fw-issue { margin: 4px 0 0; color: var(--vscode-errorForeground); }
.fw-issue:empty { display: none; }
.fw-criterion { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); border-radius: 4px; padding: 8px 12px 10px; margin: 0 0 12px; }
.fw-criterion legend { font-weight: 600; padding: 0 4px; }
.fw-role { font-weight: normal; font-size: 0.85em; color: var(--vscode-descriptionForeground); margin-left: 6px; }
.fw-quality { display: grid; grid-template-columns: minmax(140px, 180px) auto minmax(0, 1fr); gap: 8px; align-items: center; }
.fw-list-table td { vertical-align: top; padding: 4px 4px; }
.fw-list-table th { padding: 4px; font-weight: 600; }
.fw-list-table vscode-textfield, .fw-list-table vscode-single-select { width: 100%; }
.fw-sentence { font-size: 1.1em; line-height: 1.6; padding: 10px 14px; border-left: 3px solid var(--vscode-textLink-foreground); background: var(--vscode-textBlockQuote-background); overflow-wrap: anywhere; }
.fw-sentence .slot { font-weight: 600; }
.fw-sentence .slot.empty { font-weight: normal; color: var(--vscode-descriptionForeground); font-style: italic; }
.fw-panel { margin: 16px 0; padding: 10px 14px; border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); border-radius: 4px; }
.fw-panel h3 { margin-top: 0; font-size: 1em; }
.fw-conflicts li { margin: 4px 0; }
.fw-roi td:first-child { color: var(--vscode-descriptionForeground); }
.fw-roi .headline { font-size: 1.2em; font-weight: 600; }
.fw-nav { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-top: 24px; padding-top: 12px; border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
.fw-review dl { display: grid; grid-template-columns: minmax(160px, 260px) minmax(0, 1fr); gap: 4px 16px; margin: 0 0 12px; }
.fw-review dt { color: var(--vscode-descriptionForeground); }
.fw-review dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.fw-review .missing { color: var(--vscode-editorWarning-foreground); font-style: italic; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
