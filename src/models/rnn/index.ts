// Fused recurrent layers: FusedLSTM / FusedGRU (one custom op per sequence over a pluggable
// kernel), the scalar reference kernel, and model.json converters to and from the stock layers.
export type { BackwardIn, BackwardOut, Cell, ForwardIn, ForwardOut, InferIn, InferOut, RnnKernel, SeqShape } from './kernel-api.js';
export { inferWith } from './kernel-api.js';
export { gateCount, referenceKernel } from './reference.js';
export { wasmKernel, wasmSimdAvailable } from './wasm.js';
export { tfjsHeapRnn, type HeapRnn } from './tfjs-heap.js';
export {
  FUSED_TO_STOCK,
  FusedGRU,
  FusedLSTM,
  STOCK_TO_FUSED,
  fusedGru,
  fusedLstm,
  getRnnKernel,
  renameLayerClasses,
  setRnnKernel,
  toFusedTopology,
  toStockTopology,
  type FusedExtraArgs,
  type FusedGRUArgs,
  type FusedLSTMArgs,
  type StockGRUArgs,
  type StockLSTMArgs,
} from './layers.js';
