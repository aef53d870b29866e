export type Cell = 'lstm' | 'gru';
export interface SeqShape { T: number; B: number; H: number }
export interface ForwardIn { cell: Cell; shape: SeqShape; xProj: Float32Array /*[T*B*G*H] time-major*/; U: Float32Array /*[H*G*H]*/; h0: Float32Array /*[B*H]*/; c0?: Float32Array; mask?: Float32Array /*[T*B] 1 present 0 masked*/; recurrentActivation?: 'sigmoid' | 'hardSigmoid' /* default hardSigmoid */ }
export interface ForwardOut { h: Float32Array /*[T*B*H]*/; c?: Float32Array; gates: Float32Array /*[T*B*G*H] post-activation*/ }
export interface BackwardIn extends ForwardIn { out: ForwardOut; dh: Float32Array /*[T*B*H]*/; dcLast?: Float32Array }
export interface BackwardOut { dxProj: Float32Array; dU: Float32Array; dh0: Float32Array; dc0?: Float32Array }
export interface RnnKernel { forward(a: ForwardIn): ForwardOut; backward(a: BackwardIn): BackwardOut }
