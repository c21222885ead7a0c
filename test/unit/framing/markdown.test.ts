import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assess, isBlank } from '../../../src/framing/assess.ts';
import { emptyFramingDocument, type FramingDocument } from '../../../src/framing/document.ts';
import { addListRow, applyFieldEdit, changedPaths } from '../../../src/framing/edit.ts';
import { EXAMPLE_IDS, exampleFraming } from '../../../src/framing/examples.ts';
import { framingToMarkdown } from '../../../src/framing/markdown.ts';
import { framingFromMarkdown, type MarkdownImport } from '../../../src/framing/markdownImport.ts';

function edit(document: FramingDocument, path: string, value: string | boolean | null): FramingDocument {
  const result = applyFieldEdit(document, path, value);
  assert.equal(result.issue, null, result.issue?.message);
  return result.document;
}

function problems(result: MarkdownImport) {
  assert.equal(result.ok, false, 'the import should have been refused');
  return result.ok ? [] : result.problems;
}

/** The 1-based line of the first line of `markdown` that contains `text`. */
function lineOf(markdown: string, text: string): number {
  return markdown.split('\n').findIndex((l) => l.includes(text)) + 1;
}

describe('Markdown export', () => {
  test('reads like a review document: verdict, ROI, risks, conflicts, then every step', () => {
    const markdown = framingToMarkdown(exampleFraming('sales'));
    const lines = markdown.split('\n');
    assert.match(lines[0]!, /^<!-- ml-lifecycle framing · format 2 · /);
    assert.equal(lines[2], '# ML framing: Sales forecasting');
    assert.equal(lines[4], '**Verdict: Proceed with care** · ROI 155% over 12 months; pays back in 2.9 months; beats the next-best use by 234,000 · 77/77 questions answered');
    assert.ok(markdown.includes('- Without ML the best option falls short (it scores 0.24; the success threshold is 0.15): that is the bar a model has to clear.'));
    assert.ok(markdown.includes('- *Wrong predictions are cheap* (not sure): Not settled yet.'));
    assert.ok(markdown.includes('- Purchasing vs Store managers: Maximising sales'));
    assert.ok(markdown.includes('> For replenishment planners who have to order the right quantity'));
    assert.ok(markdown.includes('| Production data resembles training data | not sure | New products, new stores'));
    assert.ok(markdown.includes('- **Success threshold:** 0.15'));
    assert.ok(markdown.includes('| Build: data science and engineering, six months | Build | 150,000 | no |'));
    assert.ok(markdown.includes('  - [ ] A new pattern appears (new fraud or spam tactic)'));
    // The questions of version 2, each where it belongs.
    assert.ok(markdown.includes('- **Could we launch without ML?:** No'));
    assert.ok(markdown.includes('- **Its score on the evaluation metric:** 0.24'));
    assert.ok(markdown.includes('- **Build, buy or reuse:** Build'));
    assert.ok(markdown.includes('- **Label delay (days):** 7'));
    assert.ok(markdown.includes('| Point-of-sale records | Retail finance | None | Internal data; loyalty-card numbers are dropped before export | 5 years |'));
    assert.ok(markdown.includes('| Planned promotions | Yes | In the promotion calendar six weeks ahead |'));
    assert.ok(markdown.includes('- **Human in the loop:** Every decision'));
    assert.ok(markdown.includes('- **Explainability level agreed:** Per prediction'));
    assert.ok(markdown.includes('- **Fairness: metric:** Not applicable: no decisions about people'));
    assert.ok(markdown.includes('- **Cost of ownership: people (per period):** 7000'));
    assert.ok(markdown.includes('- **Opportunity cost (per period):** 20000'));
    assert.ok(markdown.includes('| On-call | Data platform on-call | Nightly job failures and monitor alerts; falls back to last week’s forecast |'));
    assert.ok(markdown.includes('| Price mix drifts from the training data | Data drift (PSI) | price | Above | 0.25 | Retrain |'));
    const headings = lines.filter((l) => l.startsWith('## '));
    assert.deepEqual(headings, [
      '## 1. Business problem',
      '## 2. Should we use ML?',
      '## 3. Value proposition',
      '## 4. Stakeholders',
      '## 5. Data',
      '## 6. Prediction task',
      '## 7. Offline evaluation',
      '## 8. Requirements',
      '## 9. Return on investment',
      '## 10. Life cycle plan',
    ]);
  });

  test('user text is escaped: HTML, links, emphasis and table pipes show as text', () => {
    let document = emptyFramingDocument('<script>alert(1)</script> | *bold*');
    document = edit(document, 'problem.whyNow', 'Line one with [a link](javascript:alert(1)) and `code`\n- not a list\n# not a heading\n\nafter a blank line');
    document = addListRow(document, 'stakeholders.entries').document;
    document = edit(document, 'stakeholders.entries.0.name', 'Ops | Infra');
    document = edit(document, 'stakeholders.entries.0.objective', 'two\nlines & <img src=x onerror=alert(1)>');
    const markdown = framingToMarkdown(document);
    assert.ok(markdown.includes('# ML framing: \\<script>alert(1)\\</script> \\| \\*bold\\*'));
    assert.ok(!/(?<!\\)<(script|img|\/script)/.test(markdown), 'every "<" from user text is escaped, so no HTML tag can start');
    assert.ok(markdown.includes('- **Why now:** Line one with \\[a link\\](javascript:alert(1)) and \\`code\\`\n  \\- not a list\n  \\# not a heading\n\n  after a blank line'));
    assert.ok(markdown.includes('| Ops \\| Infra | two<br>lines & \\<img src=x onerror=alert(1)> | — |'));
    const back = framingFromMarkdown(markdown);
    assert.ok(back.ok, JSON.stringify(!back.ok && back.problems));
    assert.deepEqual(changedPaths(document, back.document), []);
  });

  test('both worked examples, and unusual text, survive export and import unchanged', () => {
    for (const id of EXAMPLE_IDS) {
      const document = exampleFraming(id);
      const back = framingFromMarkdown(framingToMarkdown(document));
      assert.ok(back.ok, `${id}: ${JSON.stringify(!back.ok && back.problems)}`);
      assert.deepEqual(changedPaths(document, back.document), [], id);
    }
    let odd = emptyFramingDocument('Ünïcödé 名前 🚀');
    odd = edit(odd, 'value.persona', 'x'.repeat(10_000));
    odd = edit(odd, 'evaluation.metric', 'val_f1_macro');
    odd = edit(odd, 'problem.endUser', 'back\\slash, 1. numbered, _under_ score, a_b, &amp; entity, ~tilde~');
    const back = framingFromMarkdown(framingToMarkdown(odd));
    assert.ok(back.ok, JSON.stringify(!back.ok && back.problems));
    assert.deepEqual(changedPaths(odd, back.document), []);
  });
});

describe('Markdown import validation', () => {
  const exported = framingToMarkdown(exampleFraming('spam'));

  test('a hand edit is imported', () => {
    const edited = exported
      .replace('- **Success threshold:** 0.95', '- **Success threshold:** 0.9')
      .replace('| Runs at scale | yes |', '| Runs at scale | not sure |')
      .replace('- **End user:** ', '- **End user:** Everyone.\n  Really everyone. Previously: ');
    const result = framingFromMarkdown(edited);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.equal(result.document.evaluation.threshold, 0.9);
    assert.equal(result.document.criteria.atScale.answer, 'not-sure');
    assert.match(result.document.problem.endUser, /^Everyone\.\nReally everyone\. Previously: Mailbox users/);
  });

  test('a non-numeric amount and a negative cost are refused, naming the field and line', () => {
    const edited = exported
      .replace('| Build: two engineers for four months | Build | 120,000 | no |', '| Build: two engineers for four months | Build | 120k | no |')
      .replace('| Review team and reputation feed | Data | 6,000 | yes |', '| Review team and reputation feed | Data | -6000 | yes |');
    const found = problems(framingFromMarkdown(edited));
    assert.equal(found.length, 2);
    assert.equal(found[0]!.line, lineOf(edited, '| 120k |'));
    assert.equal(found[0]!.field, 'Return on investment › Costs row 1 › Amount');
    assert.match(found[0]!.message, /"120k" is not a number/);
    assert.match(found[1]!.message, /Costs row 2 › Amount: -6000 is negative\. Costs cannot be negative/);
  });

  test('a threshold outside the metric’s range is refused at its line', () => {
    const edited = exported.replace('- **Success threshold:** 0.95', '- **Success threshold:** 95');
    const [problem, ...more] = problems(framingFromMarkdown(edited));
    assert.equal(more.length, 0);
    assert.equal(problem!.line, lineOf(edited, '**Success threshold:**'));
    assert.equal(problem!.field, 'Offline evaluation › Success threshold');
    assert.match(problem!.message, /95 is outside the range of F1 score \(0 to 1\)\. Write percentages as fractions: 95% is 0\.95\./);
  });

  test('unknown answers, fields, sections and stray text are reported, and nothing is imported', () => {
    const edited = exported
      .replace('| Repetitive task | yes |', '| Repetitive task | maybe |')
      .replace('- **Why now:**', '- **Why now ever:**')
      .replace('- **Direction:** Higher is better', '- **Direction:** Upwards')
      .replace('## 6. Prediction task', '## 6. Prediction task\n\nSome free text the reviewer added.');
    const found = problems(framingFromMarkdown(edited));
    const messages = found.map((p) => `${p.line}: ${p.message}`);
    assert.equal(found.length, 4, messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('"Why now ever" is not a field of "Business problem"')));
    assert.ok(messages.some((m) => m.includes(`${lineOf(edited, '| Repetitive task | maybe |')}: Should we use ML? › Repetitive task: "maybe" is not one of yes, no, not sure.`)));
    assert.ok(messages.some((m) => m.includes('Offline evaluation › Direction: "Upwards" is not one of Higher is better, Lower is better.')));
    assert.ok(messages.some((m) => m.includes('Text outside any field is not imported: "Some free text the reviewer added."')));
  });

  test('a missing section, a broken table and a foreign file are explained', () => {
    const withoutData = exported.replace(/## 5\. Data[\s\S]*?(?=## 6\.)/, '');
    assert.match(problems(framingFromMarkdown(withoutData))[0]!.message, /Section "## 5\. Data" is missing\. Nothing was imported/);
    const brokenRow = exported.replace('| Trust & safety team | Catch as much spam and phishing as possible | Model quality |', '| Trust & safety team | Catch as much | spam | Model quality |');
    assert.match(problems(framingFromMarkdown(brokenRow))[0]!.message, /this row has 4 cells; it needs 3 .* Escape a "\|" inside text as "\\\|"/);
    assert.match(problems(framingFromMarkdown('# My notes\n\nHello'))[0]!.message, /does not start with the "<!-- ml-lifecycle framing/);
  });
});

describe('field edits', () => {
  test('bad input is reported at the field and the document keeps its value', () => {
    const document = exampleFraming('sales');
    const cases: [string, string | boolean | null, RegExp][] = [
      ['roi.gains.0.amount', '12k', /Expected gains per period row 1 › Amount per period: "12k" is not a number/],
      ['roi.costs.0.amount', '-10', /Costs cannot be negative/],
      ['roi.gains.1.amount', '-10', /Gains cannot be negative; enter a loss as a cost/],
      ['roi.horizon', '1.5', /not a whole number/],
      ['roi.horizon', '', /needs a number/],
      ['requirements.latencyMs', '-1', /cannot be less than 0/],
      ['problem.name', '   ', /project name is empty/],
      ['prediction.taskType', 'clustering', /"clustering" is not one of Classification, Regression/],
    ];
    for (const [path, raw, message] of cases) {
      const result = applyFieldEdit(document, path, raw);
      assert.match(result.issue?.message ?? '', message, path);
      assert.equal(result.document, document, `${path} left the document as it was`);
    }
    assert.throws(() => applyFieldEdit(document, 'problem.__proto__', 'x'), /not a field of a framing/);
    assert.throws(() => applyFieldEdit(document, 'roi.costs.0.color', 'x'), /not a field of a framing/);
    assert.match(applyFieldEdit(document, 'roi.costs.9.amount', '1').issue!.message, /that row no longer exists/);
  });

  test('numbers are read as people type them; choices by value or label', () => {
    let document = emptyFramingDocument('x');
    document = addListRow(document, 'roi.costs').document;
    document = edit(document, 'roi.costs.0.amount', ' 1,250.50 ');
    assert.equal(document.roi.costs[0]!.amount, 1250.5);
    document = edit(document, 'roi.costs.0.amount', '');
    assert.equal(document.roi.costs[0]!.amount, null);
    document = edit(document, 'evaluation.split', 'Time-based');
    assert.equal(document.evaluation.split, 'time-based');
    document = edit(document, 'criteria.atScale.answer', 'NOT SURE');
    assert.equal(document.criteria.atScale.answer, 'not-sure');
  });

  test('a threshold is checked against the metric’s range; unknown metrics are not', () => {
    let document = emptyFramingDocument('x');
    document = edit(document, 'evaluation.threshold', '5');
    assert.deepEqual(assess(document).issues, []);
    document = edit(document, 'evaluation.metric', 'test/accuracy');
    assert.match(assess(document).issues[0]!.message, /5 is outside the range of accuracy \(0 to 1\)/);
    document = edit(document, 'evaluation.threshold', '0.9');
    const refused = applyFieldEdit(document, 'evaluation.threshold', '90');
    assert.match(refused.issue!.message, /^Offline evaluation › Success threshold: 90 is outside the range of accuracy \(0 to 1\)\. Write percentages as fractions: 90% is 0\.9\.$/);
    assert.equal(refused.document.evaluation.threshold, 0.9, 'the saved threshold stays');
    document = edit(document, 'evaluation.metric', 'val_rmse');
    assert.deepEqual(assess(document).issues, []);
    assert.equal(assess(document).metric?.direction, 'min');
    assert.match(applyFieldEdit(document, 'evaluation.threshold', '-1').issue!.message, /outside the range of prediction error \(0 to ∞\)/);
  });

  test('stakeholders with opposing kinds of objective are flagged', () => {
    const conflicts = assess(exampleFraming('spam')).conflicts;
    assert.deepEqual(
      conflicts.map((c) => `${c.firstName} / ${c.secondName}`),
      ['Trust & safety team / Mail infrastructure team', 'Trust & safety team / Finance', 'Mail infrastructure team / Finance'],
    );
    assert.match(conflicts[0]!.why, /latency budget/);
  });

  test('a new framing is blank until something is answered', () => {
    const document = emptyFramingDocument('New');
    assert.equal(isBlank(document), true);
    assert.equal(isBlank(edit(document, 'problem.name', 'Renamed')), true);
    assert.equal(isBlank(edit(document, 'lifecycle.monitorDrift', true)), false);
  });
});
