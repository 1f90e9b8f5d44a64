/**
 * The built-in stand-in for Seldon's `seldonio/mock_classifier` images: a
 * mean classifier whose threshold is the mean of the reference model's
 * weights (35/12). Output per row: sigmoid(mean(row) - 35/12).
 */
import { numericShape } from '../protocol/tensor-ndarray.js';
import type { Component } from './component.js';
import { runtimeError } from './runtime-error.js';

export const MOCK_CLASSIFIER_THRESHOLD = 35 / 12;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export class MockClassifier implements Component {
  readonly classNames = ['proba'];

  predict(X: unknown): number[][] {
    const shape = numericShape(X);
    if (shape?.length !== 2) {
      const got = shape ? `[${shape.join(',')}]` : 'not a numeric array';
      throw runtimeError(
        'SDEP_BAD_PAYLOAD',
        `Incorrect shape ${got}: the mock classifier needs 2-D input (rows of features)`,
      );
    }
    return (X as number[][]).map((row) => {
      let sum = 0;
      for (const v of row) sum += v;
      return [sigmoid(sum / row.length - MOCK_CLASSIFIER_THRESHOLD)];
    });
  }
}

/** Seldon's mock classifier images, any registry prefix-free name and tag. */
export function isMockClassifierImage(image: string): boolean {
  return /^(docker\.io\/)?seldonio\/mock_classifier[\w.-]*(:[\w.-]+)?(@sha256:[0-9a-f]+)?$/.test(
    image.trim(),
  );
}
