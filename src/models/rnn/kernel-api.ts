export type Cell = 'lstm' | 'gru';
export interface SeqShape { T: number; B: number; H: number }
export interface ForwardIn { cell: Cell; shape: SeqShape; xProj: Float32Array /*[T*B*G*H] time-major*/; U: Float32Array /*[H*G*H]*/; h0: Float32Array /*[B*H]*/; c0?: Float32Array; mask?: Float32Array /*[T*B] 1 present 0 masked*/; recurrentActivation?: 'sigmoid' | 'hardSigmoid' /* default hardSigmoid */ }
export interface ForwardOut { h: Float32Array /*[T*B*H]*/; c?: Float32Array; gates: Float32Array /*[T*B*G*H] post-activation*/ }
/** Forward-only (inference): nothing is kept for a backward pass. */
export interface InferIn extends ForwardIn { lastOnly?: boolean /* default false: return the whole h sequence */ }
/**
 * h: [T*B*H] (the same values as ForwardOut.h), or with lastOnly the last step only [B*H] (with a
 * mask: the state carried to the end, i.e. the last unmasked output). c: LSTM, the last c [B*H].
 * The arrays are the caller's (fresh, not reused by the kernel).
 */
export interface InferOut { h: Float32Array; c?: Float32Array }
export interface BackwardIn extends ForwardIn { out: ForwardOut; dh: Float32Array /*[T*B*H]*/; dcLast?: Float32Array }
export interface BackwardOut { dxProj: Float32Array; dU: Float32Array; dh0: Float32Array; dc0?: Float32Array }
export interface RnnKernel {
  forward(a: ForwardIn): ForwardOut;
  backward(a: BackwardIn): BackwardOut;
  /** Optional forward-only path; callers fall back to forward() (see inferWith) when absent. */
  infer?(a: InferIn): InferOut;
}

/** kernel.infer(a), or the same result derived from kernel.forward(a) when the kernel has no infer. */
export function inferWith(kernel: RnnKernel, a: InferIn): InferOut {
  if (kernel.infer) return kernel.infer(a);
  return inferFromForward(a, kernel.forward(a));
}

/** The InferOut that a full forward's output implies (the definition infer() must match). */
export function inferFromForward(a: InferIn, out: ForwardOut): InferOut {
  const { T, B, H } = a.shape;
  const last = (T - 1) * B * H;
  const res: InferOut = { h: a.lastOnly ? out.h.slice(last, last + B * H) : out.h };
  if (out.c !== undefined) res.c = out.c.slice(last, last + B * H);
  return res;
}
