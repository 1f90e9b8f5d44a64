/**
 * ONNX_SERVER: runs a .onnx model with onnxruntime-node (CPU). The runtime
 * is imported lazily: it is heavy and most units never need it.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { numericShape, reshape } from '../protocol/tensor-ndarray.js';
import type { Component, ComponentParameters } from './component.js';
import { resolveModelFile } from './model-uri.js';
import { runtimeError } from './runtime-error.js';

export interface OnnxServerOptions {
  modelUri?: string;
}

export class OnnxServer implements Component {
  readonly modelUri: string;
  private session: InferenceSession | undefined;
  private ort: typeof import('onnxruntime-node') | undefined;
  private outputWidth = 0;

  constructor(params: ComponentParameters = {}, opts: OnnxServerOptions = {}) {
    const uri = opts.modelUri ?? params.model_uri ?? params.modelUri;
    if (typeof uri !== 'string' || uri === '') {
      throw runtimeError('SDEP_BAD_PARAMETERS', 'ONNX_SERVER needs a modelUri (a local path or file:// URL)');
    }
    this.modelUri = uri;
  }

  async load(): Promise<void> {
    if (this.session) return;
    const file = await resolveModelFile(this.modelUri, 'model.onnx', '.onnx');
    try {
      this.ort = await import('onnxruntime-node');
      this.session = await this.ort.InferenceSession.create(file);
    } catch (e) {
      throw runtimeError('SDEP_ONNX_MODEL', `cannot load ONNX model ${file}: ${(e as Error).message}`, e);
    }
  }

  /** Names the output columns after the model's first output. */
  get classNames(): string[] | undefined {
    const name = this.session?.outputNames[0];
    if (name === undefined || this.outputWidth === 0) return undefined;
    if (this.outputWidth === 1) return [name];
    return Array.from({ length: this.outputWidth }, (_, i) => `${name}:${i}`);
  }

  async predict(X: unknown): Promise<unknown> {
    const { session, ort } = this;
    if (!session || !ort) throw runtimeError('SDEP_COMPONENT_UNAVAILABLE', 'ONNX model is not loaded yet');
    const shape = numericShape(X);
    if (!shape || shape.length === 0) {
      throw runtimeError(
        'SDEP_BAD_PAYLOAD',
        'ONNX_SERVER needs a numeric array (ndarray or tensor) as input',
      );
    }
    const flat = Float32Array.from((X as unknown[]).flat(shape.length) as number[]);
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    let out: unknown;
    try {
      const result = await session.run({ [inputName]: new ort.Tensor('float32', flat, shape) });
      out = result[outputName];
    } catch (e) {
      throw runtimeError(
        'SDEP_BAD_PAYLOAD',
        `ONNX model rejected input of shape [${shape.join(',')}]: ${(e as Error).message}`,
        e,
      );
    }
    const tensor = out as { dims: readonly number[]; data: ArrayLike<number | bigint> };
    const values = Array.from(tensor.data, (v) => Number(v));
    const dims = [...tensor.dims];
    this.outputWidth = dims.length === 2 ? dims[1]! : 0;
    return reshape(values, dims);
  }

  initMetadata(): Record<string, unknown> {
    const describe = (m: InferenceSession.ValueMetadata) =>
      m.isTensor ? { name: m.name, datatype: m.type, shape: [...m.shape] } : { name: m.name };
    return {
      name: this.modelUri,
      platform: 'onnx',
      inputs: this.session?.inputMetadata.map(describe) ?? [],
      outputs: this.session?.outputMetadata.map(describe) ?? [],
    };
  }
}
