// A small Markdown renderer that builds DOM nodes with text content only: headings, paragraphs,
// lists, quotes, code, emphasis and http(s) links. Nothing is ever parsed as HTML.
import { el } from '../shared/vscode.ts';

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;

function inline(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) out.push(text.slice(at, match.index));
    const [token] = match;
    if (match[1]) out.push(el('code', {}, token.slice(1, -1)));
    else if (match[2]) out.push(el('strong', {}, ...inline(token.slice(2, -2))));
    else if (match[3]) out.push(el('em', {}, ...inline(token.slice(1, -1))));
    else {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token)!;
      out.push(/^https?:\/\//i.test(link[2]!) ? el('a', { href: link[2]! }, link[1]!) : `${link[1]} (${link[2]})`);
    }
    at = match.index + token.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

export function renderMarkdown(source: string): HTMLElement {
  const root = el('div', { class: 'markdown' });
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: HTMLElement | null = null;
  const flush = () => {
    if (paragraph.length) root.append(el('p', {}, ...inline(paragraph.join(' '))));
    paragraph = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      root.append(el('pre', {}, el('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/.exec(line);
    if (!line.trim()) flush();
    else if (heading) {
      flush();
      root.append(el(`h${Math.min(6, heading[1]!.length + 2)}` as 'h3', {}, ...inline(heading[2]!)));
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      root.append(el('hr'));
    } else if (line.startsWith('>')) {
      flush();
      root.append(el('blockquote', {}, ...inline(line.replace(/^>\s?/, ''))));
    } else if (item) {
      if (paragraph.length) flush();
      const tag = item[1] ? 'ol' : 'ul';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = el(tag);
        root.append(list);
      }
      list.append(el('li', {}, ...inline(item[2]!)));
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}
