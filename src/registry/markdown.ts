/**
 * Text from the store written into Markdown: names and notes may hold `<script>`, pipes or
 * asterisks, and must come out as the same text, never as markup.
 */

/** Inline text: HTML-significant characters become entities, Markdown punctuation is backslash-escaped. */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** A table cell: inline text on one line. */
function mdCell(text: string): string {
  return mdText(text.replace(/\r?\n|\r/g, ' ').trim());
}

/** A paragraph kept line by line (hard breaks), so notes keep their shape. */
export function mdParagraph(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => mdText(line))
    .join('  \n');
}

export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.map(mdCell).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(mdCell).join(' | ')} |`);
  return lines.join('\n');
}
