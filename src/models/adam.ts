// Adam with one wasm call per variable on tfjs's wasm backend. tfjs's AdamOptimizer runs about
// fourteen kernels per variable and step (moments, bias corrections, the update), each with its
// dispatch, scalar constants and a new tensor; with ten variables that was 10-18% of a training
// step at 51 bars (npm run bench:rnn-profile, and the same run with plain SGD). This subclass keeps
// tfjs's state (its moment variables, accBeta1/2, iterations, getWeights) and its arithmetic, each
// operation an IEEE f32 one in the same order (assembly/rnn.ts adamStep), so the weights it
// produces are tfjs's to the bit (test/models/adam.test.ts); off the wasm backend, or when the
// backend's internals are not as expected, it is tfjs's AdamOptimizer unchanged.

import * as tf from '@tensorflow/tfjs';
import { tfjsHeapRnn, type HeapRnn } from './rnn/tfjs-heap.js';

/** The AdamOptimizer fields this subclass reads and updates (private in tfjs's typings). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** What AdamOptimizer.applyGradients takes (tfjs exports neither of its type names). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

export class HeapAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const heap = tfjsHeapRnn();
    if (heap === null) return super.applyGradients(variableGradients);
    this.step(heap, variableGradients);
  }

  private step(heap: HeapRnn, grads: VariableGradients): void {
    const self = this as unknown as AdamState;
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    const f = Math.fround;
    // tfjs computes 1 − b and 1 − accBeta as f32 scalars, accBeta by f32 multiplication.
    const acc1 = self.accBeta1.dataSync()[0]!;
    const acc2 = self.accBeta2.dataSync()[0]!;
    const c = { b1: f(this.beta1), c1: f(1 - this.beta1), b2: f(this.beta2), c2: f(1 - this.beta2), a1: f(1 - acc1), a2: f(1 - acc2), eps: f(this.epsilon), negLr: f(-this.learningRate) };
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      const moment = (list: AdamState['accumulatedFirstMoment'], suffix: string): tf.Variable => {
        list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        return list[i]!.variable;
      };
      const m = moment(self.accumulatedFirstMoment, 'm');
      const v = moment(self.accumulatedSecondMoment, 'v');
      const gradient = Array.isArray(grads) ? grads[i]!.tensor : grads[name];
      if (gradient == null) return;
      const next = heap.adamStep(value, gradient, m, v, c);
      value.assign(next);
      next.dispose();
    });
    tf.tidy(() => {
      self.accBeta1.assign(tf.scalar(f(acc1 * c.b1)));
      self.accBeta2.assign(tf.scalar(f(acc2 * c.b2)));
    });
    self.incrementIterations();
  }
}

/** Adam as tf.train.adam builds it (beta1 0.9, beta2 0.999, the backend's epsilon), with the one-call update on the wasm backend. */
export function adamOptimizer(learningRate: number): tf.AdamOptimizer {
  return new HeapAdamOptimizer(learningRate, 0.9, 0.999);
}
