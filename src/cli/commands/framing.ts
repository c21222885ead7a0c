import * as fs from 'node:fs';
import * as path from 'node:path';
import { assess } from '../../framing/assess.ts';
import { framingToMarkdown } from '../../framing/markdown.ts';
import { killCriteriaMonitors } from '../../framing/monitors.ts';
import { getFraming, listFramings } from '../../framing/store.ts';
import { type CliCommand, CliError, option } from '../command.ts';
import { openCliStore } from './runs.ts';

/** `ml-lifecycle framing export`: the framing as ML_FRAMING.md (stdout or --out), or as JSON with its verdict and ROI. */
export const framingExportCommand: CliCommand = {
  words: ['framing', 'export'],
  summary: 'Print the project framing as Markdown, write it with --out, or print it with its verdict, risks, ROI and kill-criterion monitors as --json',
  usage: '[--name NAME] [--out FILE] [--json]',
  run(invocation) {
    const name = option(invocation, 'name');
    const out = option(invocation, 'out');
    const store = openCliStore(invocation, false);
    try {
      const framings = listFramings(store);
      if (framings.length === 0) throw new CliError('The store has no framing yet. Write one with "ML Lifecycle: Open Framing Wizard" in VS Code.');
      const summary = name === undefined ? framings[0]! : framings.find((f) => f.name === name);
      if (!summary) throw new CliError(`No framing is called "${name}". The store has: ${framings.map((f) => `"${f.name}"`).join(', ')}.`);
      if (name === undefined && framings.length > 1) invocation.progress(`The store has ${framings.length} framings; exporting the most recently changed, "${summary.name}". Pick another with --name.`);
      const record = getFraming(store, summary.id)!;
      const markdown = framingToMarkdown(record.document);
      const file = out === undefined ? undefined : path.resolve(invocation.cwd, out);
      if (file) {
        fs.writeFileSync(file, markdown);
        invocation.progress(`Wrote "${record.name}" (revision ${record.revision}) to ${file}`);
      }
      if (invocation.json) {
        const { verdict, roi, completion, conflicts, missing, issues } = assess(record.document);
        const { monitors } = killCriteriaMonitors(record.document.lifecycle.killCriteria, record.name);
        invocation.print(
          JSON.stringify(
            { id: record.id, name: record.name, revision: record.revision, updatedAt: record.updatedAt, ...(file ? { written: file } : {}), document: record.document, verdict, roi, completion, conflicts, missing, issues, monitors },
            null,
            2,
          ),
        );
      } else if (!file) invocation.print(markdown.trimEnd());
    } finally {
      store.close();
    }
  },
};
