// The rejects table's writer, shared by the futures and the stock ingest: each reject with its
// reason text (src/data/messages.ts), under the ingest that found it.

import { rejectReason, type Reject } from './messages.js';
import type { Store } from './store.js';

export async function appendRejects(store: Store, ingestId: number, rejects: readonly Reject[]): Promise<void> {
  if (rejects.length === 0) return;
  const a = await store.conn.createAppender('rejects');
  for (const r of rejects) {
    a.appendBigInt(BigInt(ingestId));
    a.appendVarchar(r.file);
    a.appendBigInt(BigInt(r.line));
    a.appendVarchar(r.field);
    a.appendVarchar(r.code);
    if (r.value === null) a.appendNull();
    else a.appendVarchar(r.value);
    a.appendVarchar(rejectReason(r));
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}
