// What the framing feature costs where people feel it: each keystroke in the wizard (edit +
// assessment sent back), each autosave (a new revision, also once the history is long), the
// checklist rebuild on every store change, and the ML_FRAMING.md export and import.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assess } from '../../src/framing/assess.ts';
import { framingChecklist } from '../../src/framing/checklist.ts';
import { applyFieldEdit } from '../../src/framing/edit.ts';
import { exampleFraming } from '../../src/framing/examples.ts';
import { framingToMarkdown } from '../../src/framing/markdown.ts';
import { framingFromMarkdown } from '../../src/framing/markdownImport.ts';
import { createFraming, getFraming, saveFraming } from '../../src/framing/store.ts';
import { openStore } from '../../src/store/database.ts';
import { medianMs, report } from './format.ts';

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-framing-bench-'));
  const store = openStore(path.join(dir, 'store.sqlite'), { create: true });
  try {
    let document = exampleFraming('sales');
    let n = 0;
    report('framing.keystroke', await medianMs(500, () => assess(applyFieldEdit(document, 'problem.whyNow', `typing ${n++}`).document)), 'ms');

    const { id } = createFraming(store, document);
    const save = () => {
      document = applyFieldEdit(document, 'problem.whyNow', `revision ${n++}`).document;
      saveFraming(store, id, document, { reason: 'bench' });
    };
    const early = await medianMs(100, save);
    for (let i = 0; i < 2000; i++) save();
    const late = await medianMs(100, save);
    report('framing.autosave_first_revisions', early, 'ms');
    report('framing.autosave_after_2000_revisions', late, 'ms', { value: early, name: 'framing.autosave_first_revisions' });

    const record = getFraming(store, id)!;
    report('framing.checklist_rebuild', await medianMs(200, () => framingChecklist(getFraming(store, id)!)), 'ms');
    const markdown = framingToMarkdown(record.document);
    report('framing.markdown_export', await medianMs(200, () => framingToMarkdown(record.document)), 'ms');
    report('framing.markdown_import', await medianMs(200, () => framingFromMarkdown(markdown)), 'ms');
    report('framing.markdown_size', Buffer.byteLength(markdown), 'bytes');
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
