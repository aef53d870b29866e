// FusedLSTM / FusedGRU: drop-in replacements for tf.layers.lstm / tf.layers.gru whose whole
// sequence runs as ONE custom op (tf.customGrad) over a pluggable RnnKernel (kernel-api.ts),
// instead of tfjs's per-step loop of small ops.
//
//  - The input projection of every time step is one tfjs matmul, xProj = x·W + b (time-major);
//    only the sequential recurrence h_{t-1}·U (and the gates) runs in the kernel's loop.
//  - On the tfjs wasm backend the kernel runs in place on tfjs's heap (tfjs-heap.ts) and its
//    backward returns dx, dW, db and dU directly (each row's gate gradient is folded into them
//    while in cache, so the [T*B, G*H] gradient of xProj is never written out). Elsewhere, or
//    with a kernel of the caller's (setRnnKernel / rnnKernel), the kernel works on copies and
//    returns dxProj and dU, and tfjs differentiates the projection.
//  - Weights have the stock names, shapes, order and initialisation (kernel [inputDim, G*units],
//    recurrent_kernel [units, G*units], bias [G*units]; gates i,f,c,o / z,r,h; unitForgetBias
//    builds the bias exactly like tfjs's LSTMCell), and getConfig() emits exactly the stock
//    layer's config, so a saved model differs from a stock one only in the class names (see
//    toStockTopology / toFusedTopology).
//  - Masking: like the stock layers, the mask comes from a preceding tf.layers.masking (or any
//    layer that propagates one) through kwargs.mask; a masked step carries the state over and
//    repeats the previous output. A mask is not inferred from the values themselves.
//  - Dropout (training only; inference never drops): input dropout multiplies x by one mask per
//    sequence [batch, features] before the projection, as tfjs does. Recurrent dropout: tfjs
//    multiplies h_{t-1} by one mask per sequence [batch, units] before the recurrent product.
//    The kernel API has no per-sample mask, so here the mask is drawn per batch over the units
//    and folded into the rows of U (h·diag(m)·U == (h*m)·U): the same expectation and the same
//    per-sequence (variational) structure, but shared by the samples of a batch. For the GRU the
//    state carry z*h_{t-1} uses the undropped h (Keras semantics; tfjs 4.22 also drops it there).
//    The masks are drawn through `cell.dropoutFunc` when set, so attachSeededDropout (train.ts)
//    seeds them like the stock layers'.
//  - Not supported (the constructor throws): returnState, goBackwards, stateful, an activation
//    other than tanh, a recurrent activation other than hardSigmoid / sigmoid, resetAfter.

import * as tf from '@tensorflow/tfjs';
import { BftError } from '../../errors.js';
import type { Cell, ForwardIn, RnnKernel } from './kernel-api.js';
import { inferWith } from './kernel-api.js';
import { isWasmKernel, wasmKernel, wasmSimdAvailable } from './wasm.js';
import { tfjsHeapRnn, type HeapRnn, type HeapSeq } from './tfjs-heap.js';
import { gateCount, referenceKernel } from './reference.js';

export type StockLSTMArgs = Parameters<typeof tf.layers.lstm>[0];
export type StockGRUArgs = Parameters<typeof tf.layers.gru>[0];
type LSTMCell = ReturnType<typeof tf.layers.lstmCell>;
type GRUCell = ReturnType<typeof tf.layers.gruCell>;
type Initializer = LSTMCell['biasInitializer'];
type Kwargs = Record<string, unknown>;
type DropoutFunc = (x: tf.Tensor, rate: number) => tf.Tensor;

export interface FusedExtraArgs {
  /** Kernel for this layer only (not serialised); default: the module-level one (setRnnKernel). */
  rnnKernel?: RnnKernel;
}
export type FusedLSTMArgs = StockLSTMArgs & FusedExtraArgs;
export type FusedGRUArgs = StockGRUArgs & FusedExtraArgs;

let defaultKernel: RnnKernel | null = null;

/** Sets the kernel every fused layer without its own `rnnKernel` uses from its next call on. */
export function setRnnKernel(kernel: RnnKernel): void {
  defaultKernel = kernel;
}

/** The kernel in use: the WebAssembly SIMD one where the runtime has SIMD, else the reference. */
export function getRnnKernel(): RnnKernel {
  defaultKernel ??= wasmSimdAvailable() ? wasmKernel() : referenceKernel;
  return defaultKernel;
}

/** Class names of the fused layers and of the stock layers they replace. */
export const FUSED_TO_STOCK: Readonly<Record<string, string>> = { FusedLSTM: 'LSTM', FusedGRU: 'GRU' };
export const STOCK_TO_FUSED: Readonly<Record<string, string>> = { LSTM: 'FusedLSTM', GRU: 'FusedGRU' };

// Arguments that belong to the cell (parsed and serialised by tfjs's own LSTMCell / GRUCell).
const CELL_KEYS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
  'biasInitializer', 'unitForgetBias', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer',
  'kernelConstraint', 'recurrentConstraint', 'biasConstraint', 'dropout', 'recurrentDropout',
  'dropoutFunc', 'implementation', 'resetAfter',
] as const;

abstract class FusedRecurrent extends tf.layers.Layer {
  /**
   * A stock cell, never built: it parses the cell arguments (initializers, activations,
   * regularizers...) exactly as the stock layer does, serialises them for getConfig(), and is
   * where attachSeededDropout (train.ts) hangs its seeded `dropoutFunc`, as on a stock RNN.
   */
  readonly cell: LSTMCell | GRUCell;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly recurrentActivation: 'sigmoid' | 'hardSigmoid';
  readonly rnnKernel: RnnKernel | undefined;
  protected readonly cellType: Cell;
  protected kernelWeight: tf.LayerVariable | null = null;
  protected recurrentWeight: tf.LayerVariable | null = null;
  protected biasWeight: tf.LayerVariable | null = null;

  protected constructor(cellType: Cell, args: (StockLSTMArgs | StockGRUArgs) & FusedExtraArgs) {
    super(args);
    const where = `${cellType === 'lstm' ? 'FusedLSTM' : 'FusedGRU'} ${args.name ?? ''}`.trim();
    const unsupported = (what: string) => new BftError('bad_config', `${where}: ${what} is not supported by the fused layers`);
    if (args.returnState) throw unsupported('returnState');
    if (args.goBackwards) throw unsupported('goBackwards');
    if (args.stateful) throw unsupported('stateful');
    const cellArgs: Record<string, unknown> = {};
    for (const key of CELL_KEYS) {
      const v = (args as unknown as Record<string, unknown>)[key];
      if (v !== undefined) cellArgs[key] = v;
    }
    this.cell =
      cellType === 'lstm'
        ? tf.layers.lstmCell(cellArgs as unknown as Parameters<typeof tf.layers.lstmCell>[0])
        : tf.layers.gruCell(cellArgs as unknown as Parameters<typeof tf.layers.gruCell>[0]);
    const activation = this.cell.activation.getClassName();
    if (activation !== 'tanh') throw unsupported(`activation "${activation}"`);
    const recurrent = this.cell.recurrentActivation.getClassName();
    if (recurrent !== 'hardSigmoid' && recurrent !== 'sigmoid') throw unsupported(`recurrentActivation "${recurrent}"`);
    this.recurrentActivation = recurrent;
    this.cellType = cellType;
    this.units = this.cell.units;
    this.returnSequences = args.returnSequences ?? false;
    this.rnnKernel = args.rnnKernel;
    this.supportsMasking = true;
    this.inputSpec = [new tf.InputSpec({ ndim: 3 })];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    const inputDim = shape[shape.length - 1];
    if (typeof inputDim !== 'number') throw new BftError('bad_config', `${this.name}: the feature dimension of the input must be known`);
    const G = gateCount(this.cellType);
    const cell = this.cell;
    this.kernelWeight = this.addWeight('kernel', [inputDim, this.units * G], undefined, cell.kernelInitializer, cell.kernelRegularizer, true, cell.kernelConstraint);
    this.recurrentWeight = this.addWeight('recurrent_kernel', [this.units, this.units * G], undefined, cell.recurrentInitializer, cell.recurrentRegularizer, true, cell.recurrentConstraint);
    if (cell.useBias) {
      this.biasWeight = this.addWeight('bias', [this.units * G], undefined, this.biasInitializer(), cell.biasRegularizer, true, cell.biasConstraint);
    }
    this.built = true;
  }

  /** The stock layer's bias initializer; for the LSTM with unitForgetBias, tfjs's CustomInit. */
  private biasInitializer(): Initializer {
    const cell = this.cell;
    if (this.cellType !== 'lstm' || !(cell as LSTMCell).unitForgetBias) return cell.biasInitializer;
    const units = this.units;
    // Same calls in the same order as tfjs's LSTMCell.build, so seeded initializers agree.
    const apply = () =>
      tf.tidy(() => tf.concat([cell.biasInitializer.apply([units]), tf.ones([units]), cell.biasInitializer.apply([units * 2])], 0));
    return { apply, getClassName: () => 'CustomInit', getConfig: () => ({}) } as unknown as Initializer;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape);
    return this.returnSequences ? [shape[0] ?? null, shape[1] ?? null, this.units] : [shape[0] ?? null, this.units];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const m = Array.isArray(mask) ? mask[0] : mask;
    // Stock RNN: the mask passes on only with the sequence; null otherwise.
    return (this.returnSequences ? (m ?? null) : null) as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank !== 3) throw new BftError('bad_input', `${this.name} expects one input of rank 3 [batch, time, features]`);
      if (!this.kernelWeight || !this.recurrentWeight) throw new BftError('bad_config', `${this.name} is not built`);
      const [B, T, D] = x.shape as [number, number, number];
      const H = this.units;
      const G = gateCount(this.cellType);
      const training = kwargs['training'] === true;
      const rawMask = kwargs['mask'];
      const mask = (Array.isArray(rawMask) ? rawMask[0] : rawMask) as tf.Tensor | null | undefined;

      // Input dropout: one mask per sequence, broadcast over time.
      let xin: tf.Tensor = x;
      const dropout = this.cell.dropout;
      if (training && dropout > 0 && dropout < 1) {
        xin = tf.mul(x, tf.reshape(this.dropoutMask([B, D], dropout), [B, 1, D]));
      }
      // Recurrent dropout: one mask over the units per batch, folded into the rows of U.
      let U: tf.Tensor = this.recurrentWeight.read();
      const recurrentDropout = this.cell.recurrentDropout;
      if (training && recurrentDropout > 0 && recurrentDropout < 1) {
        U = tf.mul(U, this.dropoutMask([H, 1], recurrentDropout));
      }
      // The inputs time-major [T*B, D]: xProj = x·W + b is one matrix product over all steps.
      const x2d = tf.reshape(tf.transpose(xin, [1, 0, 2]), [T * B, D]);
      const W = this.kernelWeight.read();
      const bias = this.biasWeight?.read() ?? null;
      const kernel = this.rnnKernel ?? getRnnKernel();
      const heap = isWasmKernel(kernel) ? tfjsHeapRnn() : null;
      if (heap !== null) {
        return this.callOnHeap(heap, x2d, W, bias, U, mask, { cell: this.cellType, hard: this.recurrentActivation === 'hardSigmoid', T, B, H }, training);
      }
      const xProj = projectInputs(x2d, W, bias);
      const maskData = mask == null ? undefined : Float32Array.from(tf.tidy(() => timeMajorMask(mask)).dataSync());

      // Inference (predict, or any call outside a gradient computation): the kernel's
      // forward-only path, no custom op, nothing saved; only the last state when that is all
      // the layer returns. tfjs-layers passes training: true only from fit / trainOnBatch and
      // always computes gradients inside a tape, so both signals are checked.
      if (!training && !tf.engine().isTapeOn()) {
        const out = inferWith(kernel, {
          cell: this.cellType,
          shape: { T, B, H },
          xProj: xProj.dataSync() as Float32Array,
          U: U.dataSync() as Float32Array,
          h0: new Float32Array(B * H),
          ...(this.cellType === 'lstm' ? { c0: new Float32Array(B * H) } : {}),
          ...(maskData ? { mask: maskData } : {}),
          recurrentActivation: this.recurrentActivation,
          lastOnly: !this.returnSequences,
        });
        if (this.returnSequences) return tf.transpose(tf.tensor3d(out.h, [T, B, H]), [1, 0, 2]);
        return tf.tensor2d(out.h, [B, H]);
      }

      const hSeq = this.sequenceOp(kernel, T, B, H, G, maskData)(xProj, U); // [T, B, H]
      return this.fromTimeMajor(hSeq);
    });
  }

  /** The layer's output from the time-major hidden sequence [T, B, H]. */
  private fromTimeMajor(hSeq: tf.Tensor3D): tf.Tensor {
    if (this.returnSequences) return tf.transpose(hSeq, [1, 0, 2]);
    const [T, B, H] = hSeq.shape;
    return tf.reshape(tf.slice(hSeq, [T - 1, 0, 0], [1, B, H]), [B, H]);
  }

  /**
   * The same computation as the copying path below, run in place on the tfjs wasm heap
   * (tfjs-heap.ts). Inference as there: forward only when no gradient is being recorded.
   */
  private callOnHeap(heap: HeapRnn, x2d: tf.Tensor, W: tf.Tensor, bias: tf.Tensor | null, U: tf.Tensor, mask: tf.Tensor | null | undefined, s: HeapSeq, training: boolean): tf.Tensor {
    const { B, H } = s;
    const maskT = mask == null ? null : timeMajorMask(mask);
    const h0 = tf.zeros([B, H]);
    if (!training && !tf.engine().isTapeOn()) {
      const h = heap.infer(s, projectInputs(x2d, W, bias), U, h0, maskT, !this.returnSequences);
      return this.returnSequences ? tf.transpose(h, [1, 0, 2]) : h;
    }
    // One differentiable op of (x, W, [b], U): the kernel's backward returns their gradients
    // directly (see HeapRnn.backward), so tfjs never differentiates the projection itself.
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [x, w, ...rest] = args as tf.Tensor[];
      const b = bias === null ? null : rest.shift()!;
      const u = rest.shift()!;
      const fwd = heap.forward(s, projectInputs(x!, w!, b), u, h0, maskT);
      // Saved tensors outlive this call's tidy until tfjs has run the backward pass.
      save([x!, w!, u, h0, fwd.h, fwd.gates, ...(fwd.c ? [fwd.c] : []), ...(maskT ? [maskT] : []), ...(b ? [b] : [])]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [sx, sw, su, sh0, sh, sg, ...more] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor3D, tf.Tensor, ...tf.Tensor[]];
        const sc = s.cell === 'lstm' ? more.shift()! : null;
        const sm = maskT ? more.shift()! : null;
        const sb = b ? more.shift()! : null;
        const dh = this.returnSequences ? dy : heap.intoLastStep(dy, s.T);
        const g = heap.backward(s, { x: sx, W: sw, b: sb }, su, sh0, sm, { h: sh, c: sc, gates: sg }, dh);
        if (dh !== dy) dh.dispose();
        return [g.dx, g.dW, ...(g.db ? [g.db] : []), g.dU];
      };
      // The last state straight from the heap when that is all the layer returns.
      return { value: this.returnSequences ? fwd.h : heap.lastStep(fwd.h), gradFunc };
    });
    const out = (bias === null ? op(x2d, W, U) : op(x2d, W, bias, U)) as tf.Tensor;
    return this.returnSequences ? tf.transpose(out, [1, 0, 2]) : out;
  }

  /** The recurrence over the whole sequence as one differentiable op of (xProj, U). */
  private sequenceOp(kernel: RnnKernel, T: number, B: number, H: number, G: number, mask: Float32Array | undefined): (xProj: tf.Tensor, U: tf.Tensor) => tf.Tensor3D {
    const cell = this.cellType;
    const recurrentActivation = this.recurrentActivation;
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xProj, U] = args as [tf.Tensor, tf.Tensor];
      const input: ForwardIn = {
        cell,
        shape: { T, B, H },
        xProj: xProj.dataSync() as Float32Array,
        U: U.dataSync() as Float32Array,
        h0: new Float32Array(B * H),
        ...(cell === 'lstm' ? { c0: new Float32Array(B * H) } : {}),
        ...(mask ? { mask } : {}),
        recurrentActivation,
      };
      const out = kernel.forward(input);
      const value = tf.tensor3d(out.h, [T, B, H]);
      // The forward's typed arrays live in this closure until tfjs drops the tape.
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const grads = kernel.backward({ ...input, out, dh: dy.dataSync() as Float32Array });
        return [tf.tensor2d(grads.dxProj, [T * B, G * H]), tf.tensor2d(grads.dU, [H, G * H])];
      };
      return { value, gradFunc };
    });
    return (xProj, U) => op(xProj, U) as tf.Tensor3D;
  }

  /** A dropout mask (kept units scaled by 1/(1-rate)), drawn like tfjs's generateDropoutMask. */
  private dropoutMask(shape: number[], rate: number): tf.Tensor {
    const func = (this.cell as unknown as { dropoutFunc?: DropoutFunc }).dropoutFunc;
    const ones = tf.ones(shape);
    return func ? func(ones, rate) : tf.dropout(ones, rate);
  }

  /** Exactly the stock LSTM / GRU layer's config (cell config, layer config, RNN flags). */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...this.cell.getConfig(),
      ...super.getConfig(),
      returnSequences: this.returnSequences,
      returnState: false,
      goBackwards: false,
      stateful: false,
      unroll: false,
    };
  }
}

/** xProj = x·W (+ b): the input projection of every time step as one matrix product. */
function projectInputs(x2d: tf.Tensor, W: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const xw = tf.matMul(x2d as tf.Tensor2D, W as tf.Tensor2D);
  return bias === null ? xw : tf.add(xw, bias);
}

/** A Keras mask [B, T] (bool, or numbers where nonzero means present) as float32 time-major [T, B] of 0 / 1. */
function timeMajorMask(mask: tf.Tensor): tf.Tensor {
  return tf.transpose(tf.cast(tf.cast(mask, 'bool'), 'float32'), [1, 0]);
}

function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  const first = inputShape[0];
  return Array.isArray(first) ? first : (inputShape as tf.Shape);
}

/** tf.layers.lstm computed as one fused op; same weights, config and results. */
export class FusedLSTM extends FusedRecurrent {
  static readonly className = 'FusedLSTM';
  constructor(args: FusedLSTMArgs) {
    super('lstm', args);
  }
}

/** tf.layers.gru (reset before the recurrent product) computed as one fused op. */
export class FusedGRU extends FusedRecurrent {
  static readonly className = 'FusedGRU';
  constructor(args: FusedGRUArgs) {
    super('gru', args);
  }
}

tf.serialization.registerClass(FusedLSTM);
tf.serialization.registerClass(FusedGRU);

export function fusedLstm(args: FusedLSTMArgs): FusedLSTM {
  return new FusedLSTM(args);
}

export function fusedGru(args: FusedGRUArgs): FusedGRU {
  return new FusedGRU(args);
}

/**
 * A copy of a model.json (or of its modelTopology alone) with every layer class renamed through
 * `names`: the fused layers' config and weights are the stock ones, so this is the whole
 * conversion. Nested models (a model used as a layer) are rewritten too.
 */
export function renameLayerClasses<T>(modelJson: T, names: Readonly<Record<string, string>>): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      const renamed = typeof value === 'string' && (key === 'class_name' || key === 'className') ? names[value] : undefined;
      out[key] = renamed ?? walk(value);
    }
    return out;
  };
  return walk(modelJson) as T;
}

/** FusedLSTM -> LSTM and FusedGRU -> GRU in a model.json (loads without the fused classes). */
export function toStockTopology<T>(modelJson: T): T {
  return renameLayerClasses(modelJson, FUSED_TO_STOCK);
}

/** LSTM -> FusedLSTM and GRU -> FusedGRU in a model.json. */
export function toFusedTopology<T>(modelJson: T): T {
  return renameLayerClasses(modelJson, STOCK_TO_FUSED);
}
