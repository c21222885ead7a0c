/** Styles of the Runs table. Theme variables only, so light, dark and high-contrast themes all work. */
export const RUNS_CSS = `
body { padding-bottom: 0; }
#app { display: flex; flex-direction: column; height: 100vh; }
.runs-toolbar { margin: 8px 0 4px; }
.runs-toolbar vscode-textfield { flex: 1 1 420px; min-width: 260px; font-family: var(--vscode-editor-font-family); }
.runs-toolbar vscode-single-select { width: 200px; }
.runs-status { color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
.filter-error { margin: 0 0 6px; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); white-space: pre; overflow-x: auto; }
.filter-error .caret { color: var(--vscode-errorForeground); font-weight: 700; }
.filter-error .message { color: var(--vscode-errorForeground); font-family: var(--vscode-font-family); white-space: normal; }
.chooser { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); padding: 8px; margin-bottom: 6px; max-height: 40vh; overflow: auto; background: var(--vscode-editorWidget-background); }
.chooser fieldset { border: none; margin: 0 0 6px; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 14px; }
.chooser legend { font-weight: 600; padding: 0; margin-bottom: 2px; }
.grid { flex: 1 1 auto; overflow: auto; position: relative; border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); outline: none; }
.grid:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.grid-groups, .grid-header { position: sticky; top: 0; z-index: 3; display: flex; background: var(--vscode-editor-background); }
.grid-header { top: 22px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
.grid-body { position: relative; }
.grid-row { position: absolute; left: 0; display: flex; height: 24px; }
.grid-row:hover .cell { background: var(--vscode-list-hoverBackground); }
.grid-row[aria-selected="true"] .cell { background: var(--vscode-list-inactiveSelectionBackground); color: var(--vscode-list-inactiveSelectionForeground, inherit); outline: 1px dashed var(--vscode-contrastActiveBorder, transparent); outline-offset: -1px; }
.grid:focus-within .grid-row[aria-selected="true"] .cell { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground, inherit); }
.grid-row .cell:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.cell { box-sizing: border-box; flex: none; height: 24px; line-height: 24px; padding: 0 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; border-right: 1px solid var(--vscode-panel-border, transparent); background: var(--vscode-editor-background); }
.cell.number { text-align: right; font-variant-numeric: tabular-nums; }
.cell.pinned { position: sticky; z-index: 2; }
.cell.last-pinned { border-right: 2px solid var(--vscode-panel-border, var(--vscode-widget-border)); }
.cell:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.column-group { height: 22px; line-height: 22px; font-size: 0.9em; color: var(--vscode-descriptionForeground); text-transform: uppercase; letter-spacing: 0.04em; }
.column-header { font-weight: 600; cursor: pointer; position: relative; user-select: none; }
.column-header .sort { color: var(--vscode-textLink-foreground); margin-left: 4px; }
.resize { position: absolute; right: 0; top: 0; width: 6px; height: 100%; cursor: col-resize; }
.resize:hover { background: var(--vscode-sash-hoverBorder, var(--vscode-focusBorder)); }
.status-FINISHED { color: var(--vscode-testing-iconPassed, inherit); }
.status-FAILED, .status-KILLED { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.status-RUNNING { color: var(--vscode-progressBar-background, inherit); }
.group-row .cell { font-weight: 600; }
.column-header.star-header { text-align: center; padding: 0; }
.cell.star { text-align: center; cursor: pointer; color: var(--vscode-descriptionForeground); }
.cell.star.starred { color: var(--vscode-charts-yellow, var(--vscode-editorWarning-foreground)); }
.cell.editing { padding: 0; }
.cell-editor { width: 100%; height: 100%; box-sizing: border-box; border: 1px solid var(--vscode-focusBorder); background: var(--vscode-input-background); color: var(--vscode-input-foreground); font: inherit; padding: 0 5px; }
.selection-bar { margin: 2px 0 4px; }
.note-editor { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); padding: 8px; margin-bottom: 6px; background: var(--vscode-editorWidget-background); }
.note-editor textarea { width: 100%; box-sizing: border-box; font-family: var(--vscode-editor-font-family); background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-widget-border)); }
.note-title { font-weight: 600; margin-bottom: 4px; }
.runs-empty { padding: 16px 4px; }
.group-row .stats { color: var(--vscode-descriptionForeground); font-weight: normal; }

.header-menu { position: absolute; right: 6px; top: 0; height: 100%; background: transparent; border: none; color: var(--vscode-descriptionForeground); cursor: pointer; padding: 0 2px; font: inherit; }
.header-menu:hover { color: var(--vscode-foreground); }
.column-header { padding-right: 18px; }
.quick-menu { position: fixed; z-index: 10; min-width: 240px; max-width: 420px; padding: 6px; background: var(--vscode-menu-background, var(--vscode-editorWidget-background)); color: var(--vscode-menu-foreground, var(--vscode-foreground)); border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, var(--vscode-contrastBorder, transparent))); box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent); }
.quick-menu .quick-title { font-weight: 600; margin-bottom: 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.quick-menu input { width: 100%; box-sizing: border-box; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 4px; font-family: var(--vscode-editor-font-family); }
.quick-menu input:focus { outline: 1px solid var(--vscode-focusBorder); }
.quick-menu ul { list-style: none; margin: 4px 0 0; padding: 0; }
.quick-menu li { padding: 3px 6px; cursor: pointer; font-family: var(--vscode-editor-font-family); }
.quick-menu li:hover, .quick-menu li:focus { background: var(--vscode-menu-selectionBackground, var(--vscode-list-activeSelectionBackground)); color: var(--vscode-menu-selectionForeground, var(--vscode-list-activeSelectionForeground)); outline: 1px solid var(--vscode-menu-selectionBorder, transparent); }
.quick-menu .quick-error { color: var(--vscode-errorForeground); margin-top: 4px; }
.quick-menu .quick-error:empty { display: none; }
`;
