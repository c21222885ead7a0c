import { z } from 'zod';
import type { AuditEntity, AuditRecord } from '../store/audit.ts';

/** The audit panel (viewType mlLifecycle.audit): a read-only, filterable list of every change. */

export const auditViewType = 'mlLifecycle.audit';

export const AUDIT_ENTITIES = ['experiment', 'run', 'model', 'model_version', 'alias', 'framing', 'drift', 'store'] as const satisfies readonly AuditEntity[];

export const auditFilterSchema = z.strictObject({
  entity: z.enum(AUDIT_ENTITIES).nullable(),
  text: z.string().max(500),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Webview -> extension. The webview sends `query` when it starts and whenever its filter changes. */
export const auditFromWebview = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('query'), filter: auditFilterSchema }),
  z.strictObject({ type: z.literal('export'), format: z.enum(['csv', 'markdown']), filter: auditFilterSchema }),
]);
export type AuditFromWebview = z.infer<typeof auditFromWebview>;

/** An entry as the panel shows it: the stored record plus what happened and to what, in words (src/registry/auditDescribe.ts). */
export interface AuditRow extends AuditRecord {
  description: string;
  subject: string;
}

/** Extension -> webview. `limit` entries at most are sent; `truncated` says more matched. */
export type AuditToWebview =
  | { type: 'entries'; filter: AuditFilter; entries: AuditRow[]; truncated: boolean; limit: number }
  | { type: 'exported'; file: string };

/** What the webview keeps across hide/reload. */
export const auditSavedState = z.object({ filter: auditFilterSchema });
export type AuditSavedState = z.infer<typeof auditSavedState>;
