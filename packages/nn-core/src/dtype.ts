/**
 * Element types. Float tensors are float32 (PyTorch's default) or float64; indices are int32.
 */
export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

let defaultDtype: FloatDType = 'float32';

/** The float dtype used when none is given (PyTorch: `torch.get_default_dtype()`). */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

/** Sets the default float dtype (PyTorch: `torch.set_default_dtype`). */
export function setDefaultDtype(dtype: FloatDType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`setDefaultDtype: got ${String(dtype)}, expected 'float32' or 'float64'`);
  }
  defaultDtype = dtype;
}

/** A zero-filled typed array of `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      throw new TypeError(`unknown dtype ${String(dtype)}, expected 'float32', 'float64' or 'int32'`);
  }
}

/** The dtype that a typed array stores. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

export function isFloatDtype(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}
