import * as vscode from 'vscode';
import type { FramingView, SaveStatus } from '../../contract/framing.ts';
import { assess } from '../../framing/assess.ts';
import { emptyFramingDocument, type FramingDocument } from '../../framing/document.ts';
import { type FieldIssue, type RawValue, addListRow, applyFieldEdit, changedPaths, removeListRow, resolveField } from '../../framing/edit.ts';
import { FramingNameTakenError, createFraming, getFraming, saveFraming, unusedFramingName } from '../../framing/store.ts';
import type { Services } from '../services.ts';

/** Typing pauses this long before a save: one revision per burst of typing, not per key. */
const SAVE_DELAY_MS = 700;

/**
 * One framing being edited: the document as the user sees it, the edits not accepted yet, and
 * a debounced save. Every way of changing an open framing (wizard, checklist) goes through its
 * session, so the two never overwrite each other.
 */
export class FramingSession implements vscode.Disposable {
  private framingId: number | null;
  private revision: number;
  private current: FramingDocument;
  private saved: FramingDocument;
  private readonly rejected = new Map<string, FieldIssue>();
  private timer: NodeJS.Timeout | undefined;
  private reason = 'wizard';
  private lastSeq = 0;
  private savedSeq = 0;
  private status: SaveStatus;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires whenever the view of this framing changes (an edit, a save, a reload). */
  readonly onDidChange = this.changed.event;
  private readonly services: Services;

  private constructor(services: Services, framingId: number | null, revision: number, document: FramingDocument) {
    this.services = services;
    this.framingId = framingId;
    this.revision = revision;
    this.current = document;
    this.saved = document;
    this.status = framingId === null ? { state: 'new' } : { state: 'saved' };
  }

  /** The stored framing, or a new unsaved one (it is created by the first edit). */
  static open(services: Services, framingId: number | null): FramingSession {
    const store = services.stores.current();
    if (framingId !== null && store) {
      const record = getFraming(store, framingId);
      if (record) return new FramingSession(services, record.id, record.revision, record.document);
    }
    const name = store ? unusedFramingName(store, 'Untitled framing') : 'Untitled framing';
    return new FramingSession(services, null, 0, emptyFramingDocument(name));
  }

  get id(): number | null {
    return this.framingId;
  }

  get document(): FramingDocument {
    return this.current;
  }

  view(): FramingView {
    return {
      framingId: this.framingId,
      revision: this.revision,
      document: this.current,
      assessment: assess(this.current),
      rejected: [...this.rejected.values()],
      save: this.status,
      appliedSeq: this.lastSeq,
      savedSeq: this.savedSeq,
    };
  }

  /** Applies one control's value; a value that is not acceptable is reported at the field and not saved. */
  setField(path: string, raw: RawValue, immediate: boolean, reason = 'wizard', seq?: number): void {
    if (!resolveField(path)) throw new Error(`The wizard sent an unknown field "${path}".`);
    if (seq !== undefined && seq > this.lastSeq) this.lastSeq = seq;
    const result = applyFieldEdit(this.current, path, raw);
    if (result.issue) this.rejected.set(path, result.issue);
    else {
      this.rejected.delete(path);
      this.update(result.document, reason, immediate);
    }
    this.changed.fire();
  }

  addRow(listPath: string): void {
    const result = addListRow(this.current, listPath);
    if (result.issue) this.rejected.set(listPath, result.issue);
    else this.update(result.document, 'wizard', true);
    this.changed.fire();
  }

  removeRow(listPath: string, index: number): void {
    // Row indexes shift: forget rejected edits of that list rather than pin them to the wrong row.
    for (const key of [...this.rejected.keys()]) if (key.startsWith(`${listPath}.`)) this.rejected.delete(key);
    this.update(removeListRow(this.current, listPath, index), 'wizard', true);
    this.changed.fire();
  }

  /** Replaces every answer (a worked example, an import) and saves at once. */
  replaceDocument(document: FramingDocument, reason: string): void {
    this.rejected.clear();
    this.update(document, reason, true);
    this.changed.fire();
  }

  private update(document: FramingDocument, reason: string, immediate: boolean): void {
    this.current = document;
    this.reason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (immediate) this.save();
    else {
      this.status = { state: 'pending' };
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.save();
        this.changed.fire();
      }, SAVE_DELAY_MS);
    }
  }

  /** Saves what is pending now (before an export, a link, or when the panel closes). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
    this.changed.fire();
  }

  private save(): void {
    if (this.framingId !== null && changedPaths(this.saved, this.current).length === 0) {
      this.status = { state: 'saved', at: Date.now() };
      this.savedSeq = this.lastSeq;
      return;
    }
    const seq = this.lastSeq;
    try {
      const store = this.services.stores.forWriting();
      const record =
        this.framingId === null ? createFraming(store, this.current, { reason: this.reason }) : saveFraming(store, this.framingId, this.current, { reason: this.reason });
      this.framingId = record.id;
      this.revision = record.revision;
      this.saved = record.document;
      this.status = { state: 'saved', at: record.updatedAt };
      this.savedSeq = seq;
      this.services.stores.notifyChanged();
    } catch (error) {
      if (error instanceof FramingNameTakenError && this.current.problem.name !== this.saved.problem.name) {
        // Keep every other answer: save them under the previous name, and report the name at its field.
        this.rejected.set('problem.name', { path: 'problem.name', message: `Business problem › Project name: ${error.message}` });
        this.current = { ...this.current, problem: { ...this.current.problem, name: this.saved.problem.name } };
        this.save();
        return;
      }
      const message = (error as Error).message;
      this.status = { state: 'failed', message };
      this.services.log.error(`Saving the framing failed: ${message}`);
    }
  }

  /** Picks up a newer revision written elsewhere (another window, an import), unless edits are pending here. */
  reloadFromStore(): void {
    if (this.framingId === null || this.timer) return;
    const store = this.services.stores.current();
    if (!store) return;
    try {
      const record = getFraming(store, this.framingId);
      if (!record || record.revision <= this.revision) return;
      this.revision = record.revision;
      this.current = record.document;
      this.saved = record.document;
      this.status = { state: 'saved', at: record.updatedAt };
      this.changed.fire();
    } catch (error) {
      this.status = { state: 'failed', message: (error as Error).message };
      this.changed.fire();
    }
  }

  dispose(): void {
    this.flush();
    this.changed.dispose();
  }
}
