export { Store, resolveDbPath, DEFAULT_DB, type Row } from './store.js';
export { SCHEMA_VERSION } from './migrations.js';
export { ingest, type IngestOptions, type IngestSummary, type FileSummary, type IngestPhase, type StampConvention } from './ingest/index.js';
export { FIELDS, parseMap, type BarKind, type Field } from './layouts.js';
export { rejectLine, rejectReason, type Reject, type RejectCode } from './messages.js';
export { buildContinuous, refreshContinuous, continuousKeysFor, loadDailyBars, type Adjustment, type RollRule, type ContinuousSeries, type Roll } from './continuous.js';
export { dataStatus, type DataStatus } from './status.js';
export { resolveSplice, ROLL_OI_JUMP } from './splice.js';
