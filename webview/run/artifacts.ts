// The Artifacts tab: the run's files as a keyboard-navigable tree, and a preview of the selected
// one (text, JSON, YAML, Markdown, CSV as a table, images). Everything is built with textContent.
import type { ArtifactRow, RunFromWebview, RunToWebview } from '../../src/contract/run.ts';
import type { Preview } from '../../src/runpage/preview.ts';
import { formatBytes, formatCount } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { renderMarkdown } from './markdown.ts';

type PreviewMessage = Extract<RunToWebview, { type: 'preview' }>;

interface Folder {
  name: string;
  path: string;
  folders: Map<string, Folder>;
  files: ArtifactRow[];
  size: number;
}

function buildTree(files: readonly ArtifactRow[]): Folder {
  const root: Folder = { name: '', path: '', folders: new Map(), files: [], size: 0 };
  for (const file of files) {
    const parts = file.display.split('/');
    let folder = root;
    folder.size += file.size ?? 0;
    for (const part of parts.slice(0, -1)) {
      const path = folder.path ? `${folder.path}/${part}` : part;
      let next = folder.folders.get(part);
      if (!next) {
        next = { name: part, path, folders: new Map(), files: [], size: 0 };
        folder.folders.set(part, next);
      }
      next.size += file.size ?? 0;
      folder = next;
    }
    folder.files.push(file);
  }
  return root;
}

export class ArtifactsView {
  readonly element: HTMLElement;
  private readonly tree = el('ul', { class: 'tree', role: 'tree', 'aria-label': 'Artifacts of this run', 'data-testid': 'artifact-tree' });
  private readonly preview = el('section', { class: 'preview', 'aria-label': 'Artifact preview', 'data-testid': 'artifact-preview' });
  private readonly note = el('p', { class: 'muted', 'data-testid': 'artifacts-note' });
  private files: ArtifactRow[] = [];
  private readonly expanded = new Set<string>();
  private selected: string | null;
  private shown: PreviewMessage | null = null;
  private hashes = new Map<string, string>();
  private readonly post: (message: RunFromWebview) => void;
  private readonly onSelect: (display: string) => void;
  private initialized = false;

  constructor(post: (message: RunFromWebview) => void, selected: string | null, onSelect: (display: string) => void) {
    this.post = post;
    this.selected = selected;
    this.onSelect = onSelect;
    this.element = el('div', {}, this.note, el('div', { class: 'artifacts' }, this.tree, this.preview));
    this.tree.addEventListener('keydown', (event) => this.onKey(event));
    this.renderPreview();
  }

  setFiles(message: Extract<RunToWebview, { type: 'artifacts' }>): void {
    this.files = message.files;
    if (!this.initialized) {
      // Small trees open fully; large ones show their first level.
      const all = this.files.length <= 200;
      for (const file of this.files) {
        const parts = file.display.split('/');
        for (let i = 1; i < parts.length; i++) if (all || i === 1) this.expanded.add(parts.slice(0, i).join('/'));
      }
      this.initialized = true;
    }
    const notes: string[] = [];
    if (message.files.length === 0) notes.push('This run logged no artifacts. Log files with run.log_artifact(path) or mlflow-style log_artifact / log_dict / log_text.');
    if (message.truncated) notes.push(`Only the first ${formatCount(message.files.length)} files are listed.`);
    if (message.mlflowFolder) notes.push(`Imported from MLflow: files from ${message.mlflowFolder}.`);
    this.note.textContent = notes.join(' ');
    this.note.hidden = notes.length === 0;
    this.renderTree();
    if (this.selected && !this.shown && this.files.some((f) => f.display === this.selected)) this.post({ type: 'preview', display: this.selected });
    else this.renderPreview();
  }

  showPreview(message: PreviewMessage): void {
    if (message.display !== this.selected) return;
    this.shown = message;
    this.renderPreview();
  }

  setHash(display: string, sha256: string): void {
    this.hashes.set(display, sha256);
    if (display === this.selected) this.renderPreview();
  }

  private select(display: string): void {
    this.selected = display;
    this.shown = null;
    this.onSelect(display);
    this.post({ type: 'preview', display });
    this.renderTree();
    this.renderPreview();
    this.focusItem(display);
  }

  private renderTree(): void {
    const root = buildTree(this.files);
    const items: HTMLElement[] = [];
    const build = (folder: Folder, level: number): HTMLElement[] => {
      const nodes: HTMLElement[] = [];
      for (const child of [...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        const open = this.expanded.has(child.path);
        const row = el(
          'div',
          { class: 'row' },
          el('span', { class: `codicon codicon-${open ? 'chevron-down' : 'chevron-right'}`, 'aria-hidden': 'true' }),
          el('span', { class: 'codicon codicon-folder', 'aria-hidden': 'true' }),
          el('span', { class: 'name' }, child.name),
          el('span', { class: 'size' }, formatBytes(child.size)),
        );
        row.style.paddingLeft = `${8 + level * 14}px`;
        const item = el('li', { role: 'treeitem', 'aria-expanded': String(open), 'aria-level': String(level + 1), 'data-folder': child.path, tabindex: '-1' }, row);
        row.addEventListener('click', () => this.toggle(child.path));
        items.push(item);
        if (open) item.append(el('ul', { role: 'group' }, ...build(child, level + 1)));
        nodes.push(item);
      }
      for (const file of folder.files) {
        const name = file.display.split('/').pop()!;
        const icon = file.kind === 'model' ? 'package' : file.kind === 'data' ? 'database' : /\.(png|jpe?g|gif|svg|webp)$/i.test(name) ? 'file-media' : 'file';
        const row = el(
          'div',
          { class: `row${file.exists ? '' : ' missing'}`, title: `${file.display}${file.exists ? '' : ' (no longer on disk)'}` },
          el('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
          el('span', { class: 'name' }, name),
          el('span', { class: 'size' }, file.exists ? formatBytes(file.size) : 'missing'),
        );
        row.style.paddingLeft = `${22 + level * 14}px`;
        const item = el('li', { role: 'treeitem', 'aria-level': String(level + 1), 'aria-selected': String(file.display === this.selected), 'data-file': file.display, 'data-testid': 'artifact-item', tabindex: '-1' }, row);
        row.addEventListener('click', () => this.select(file.display));
        items.push(item);
        nodes.push(item);
      }
      return nodes;
    };
    const hadFocus = this.tree.contains(document.activeElement);
    const focused = (document.activeElement as HTMLElement | null)?.dataset;
    this.tree.replaceChildren(...build(root, 0));
    const current = items.find((i) => i.dataset.file === this.selected) ?? items[0];
    current?.setAttribute('tabindex', '0');
    if (hadFocus) this.focusItem(focused?.file ?? focused?.folder ?? '');
  }

  private toggle(folder: string): void {
    if (this.expanded.has(folder)) this.expanded.delete(folder);
    else this.expanded.add(folder);
    this.renderTree();
    this.focusItem(folder);
  }

  private visibleItems(): HTMLElement[] {
    return [...this.tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  }

  private focusItem(key: string): void {
    const item = this.visibleItems().find((i) => i.dataset.file === key || i.dataset.folder === key);
    if (!item) return;
    for (const other of this.visibleItems()) other.setAttribute('tabindex', other === item ? '0' : '-1');
    item.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const items = this.visibleItems();
    const current = document.activeElement as HTMLElement;
    const index = items.indexOf(current);
    if (index < 0) return;
    const key = (item: HTMLElement | undefined) => item?.dataset.file ?? item?.dataset.folder ?? '';
    const folder = current.dataset.folder;
    const handled = () => event.preventDefault();
    switch (event.key) {
      case 'ArrowDown':
        handled();
        this.focusItem(key(items[Math.min(items.length - 1, index + 1)]));
        break;
      case 'ArrowUp':
        handled();
        this.focusItem(key(items[Math.max(0, index - 1)]));
        break;
      case 'Home':
        handled();
        this.focusItem(key(items[0]));
        break;
      case 'End':
        handled();
        this.focusItem(key(items[items.length - 1]));
        break;
      case 'ArrowRight':
        handled();
        if (folder !== undefined && !this.expanded.has(folder)) this.toggle(folder);
        else if (folder !== undefined) this.focusItem(key(items[index + 1]));
        break;
      case 'ArrowLeft': {
        handled();
        if (folder !== undefined && this.expanded.has(folder)) this.toggle(folder);
        else {
          const parent = current.parentElement?.closest<HTMLElement>('[role="treeitem"]');
          if (parent) this.focusItem(key(parent));
        }
        break;
      }
      case 'Enter':
      case ' ':
        handled();
        if (folder !== undefined) this.toggle(folder);
        else if (current.dataset.file) this.select(current.dataset.file);
        break;
    }
  }

  private renderPreview(): void {
    const file = this.files.find((f) => f.display === this.selected);
    if (!file) {
      this.preview.replaceChildren(el('p', { class: 'muted' }, this.files.length ? 'Select a file to preview it.' : ''));
      return;
    }
    const sha = file.sha256 ?? this.hashes.get(file.display);
    const open = el('vscode-button', { secondary: '', icon: 'go-to-file', 'data-testid': 'artifact-open' }, 'Open');
    open.addEventListener('click', () => this.post({ type: 'openArtifact', display: file.display }));
    const reveal = el('vscode-button', { secondary: '', icon: 'folder-opened', 'data-testid': 'artifact-reveal' }, 'Reveal in Explorer');
    reveal.addEventListener('click', () => this.post({ type: 'revealArtifact', display: file.display }));
    open.hidden = reveal.hidden = !file.exists;
    const head = el(
      'div',
      { class: 'preview-head' },
      el('h2', {}, file.display),
      el('span', { 'data-testid': 'artifact-size' }, file.exists ? formatBytes(file.size) : 'no longer on disk'),
      file.kind ? el('span', { class: 'muted' }, `logged as ${file.kind}`) : '',
      open,
      reveal,
    );
    const hash = el('p', { class: 'hash', 'data-testid': 'artifact-sha256' }, sha ? `sha256 ${sha}` : file.exists ? 'sha256 computing…' : '');
    this.preview.replaceChildren(head, hash, el('div', { class: 'preview-body', 'data-testid': 'preview-body' }, ...this.body(file)));
  }

  private body(file: ArtifactRow): (Node | string)[] {
    const message = this.shown;
    if (!message || message.display !== file.display) return [el('p', { class: 'muted' }, 'Loading…')];
    const preview: Preview = message.preview;
    switch (preview.kind) {
      case 'missing':
        return [el('p', { class: 'warning' }, 'This file is no longer on disk.')];
      case 'error':
        return [el('p', { class: 'error' }, `The file could not be read: ${preview.message}`)];
      case 'none':
        return [el('p', { class: 'muted', 'data-testid': 'preview-none' }, `${preview.reason} ${formatBytes(preview.size)}. Use Open or Reveal in Explorer.`)];
      case 'image':
        return message.imageUri ? [el('img', { src: message.imageUri, alt: `Image ${file.display}`, 'data-testid': 'preview-image' })] : [];
      case 'table': {
        const head = el('tr', {}, ...preview.columns.map((c) => el('th', { scope: 'col' }, c)));
        const rows = preview.rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))));
        const caption = preview.truncated ? `The first ${formatCount(preview.rows.length)} rows of ${formatBytes(preview.size)}.` : `${formatCount(preview.rows.length)} rows.`;
        return [el('p', { class: 'muted' }, caption), el('div', { class: 'table-wrap' }, el('table', { 'data-testid': 'preview-table' }, el('thead', {}, head), el('tbody', {}, ...rows)))];
      }
      case 'text': {
        const cut = preview.truncated ? [el('p', { class: 'muted' }, `The first ${formatBytes(preview.text.length)} of ${formatBytes(preview.size)}. Open shows the whole file.`)] : [];
        if (preview.language === 'markdown') return [...cut, renderMarkdown(preview.text)];
        return [...cut, el('pre', { 'data-testid': 'preview-text', 'data-language': preview.language, tabindex: '0' }, preview.text)];
      }
    }
  }
}
