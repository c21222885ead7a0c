/** Styles of the audit panel. Theme variables only, so light, dark and high-contrast themes all work. */
export const AUDIT_CSS = `
.audit-toolbar vscode-textfield { min-width: 260px; flex: 1 1 260px; max-width: 520px; }
.audit-toolbar vscode-single-select { min-width: 160px; }
.audit-count { color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
#audit-table td { vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: manual; }
#audit-table th { white-space: nowrap; }
#audit-table td:nth-child(2) { white-space: nowrap; }
#audit-table td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
#audit-table .action { font-weight: 600; }
#audit-table td:last-child { max-width: 40ch; }
#audit-table details pre { margin: 4px 0 0; white-space: pre; overflow-x: auto; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
#audit-table summary { cursor: pointer; color: var(--vscode-textLink-foreground); }
`;
