/**
 * Encoders for the ONNX messages an exported classifier needs: ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto (with TypeProto.Tensor and TensorShapeProto) and
 * OperatorSetIdProto. Field numbers are those of onnx/onnx.proto.
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { INT: 2, STRING: 3, INTS: 7, STRINGS: 8 } as const;

/** A constant tensor (an initializer); data in row-major order. */
export interface OnnxTensor {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  /** FLOAT: Float32Array; DOUBLE: Float64Array; INT64: BigInt64Array; INT32: Int32Array. */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array;
}

/** An attribute value: INT, STRING, INTS or STRINGS. */
export type AttributeValue = number | string | readonly number[] | readonly string[];

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output: element type and shape (a string is a symbolic dim, e.g. `batch`). */
export interface OnnxValueInfo {
  name: string;
  elemType: DataTypeCode;
  shape: readonly (number | string)[];
  docString?: string;
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
  /** ModelProto.metadata_props (string key → string value). */
  metadata?: Readonly<Record<string, string>>;
}

/** TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian bytes). */
export function encodeTensor(t: OnnxTensor): Uint8Array {
  const numel = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== numel) throw new RangeError(`ONNX tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(', ')}] (${numel} expected)`);
  const w = new ProtoWriter();
  w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  w.string(8, t.name);
  // Typed arrays are little-endian on every platform Node runs on (x64, arm64), as raw_data requires.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return w.finish();
}

/** AttributeProto: name (1), i (3), s (4), ints (8), strings (9), type (20). */
function encodeAttribute(name: string, value: AttributeValue): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') w.int(3, value).int(20, AttributeType.INT);
  else if (typeof value === 'string') w.string(4, value).int(20, AttributeType.STRING);
  else if (value.length > 0 && typeof value[0] === 'string') {
    for (const s of value as readonly string[]) w.string(9, s);
    w.int(20, AttributeType.STRINGS);
  } else w.packedInts(8, value as readonly number[]).int(20, AttributeType.INTS);
  return w.finish();
}

/** NodeProto: input (1), output (2), name (3), op_type (4), attribute (5). */
function encodeNode(n: OnnxNode): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.bytes(5, encodeAttribute(k, v));
  return w.finish();
}

/**
 * ValueInfoProto: name (1), type (2), doc_string (3); TypeProto: tensor_type (1); TypeProto.Tensor:
 * elem_type (1), shape (2); TensorShapeProto: dim (1); Dimension: dim_value (1), dim_param (2).
 */
function encodeValueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.bytes(1, dim.finish());
  }
  const tensorType = new ProtoWriter().int(1, v.elemType).bytes(2, shape.finish()).finish();
  const type = new ProtoWriter().bytes(1, tensorType).finish();
  const w = new ProtoWriter().string(1, v.name).bytes(2, type);
  if (v.docString !== undefined) w.string(3, v.docString);
  return w.finish();
}

/** GraphProto: node (1), name (2), initializer (5), doc_string (10), input (11), output (12). */
function encodeGraph(g: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.bytes(5, encodeTensor(t));
  if (g.docString !== undefined) w.string(10, g.docString);
  for (const i of g.inputs) w.bytes(11, encodeValueInfo(i));
  for (const o of g.outputs) w.bytes(12, encodeValueInfo(o));
  return w.finish();
}

/**
 * ModelProto: ir_version (1), producer_name (2), producer_version (3), graph (7), opset_import (8;
 * OperatorSetIdProto: domain (1), version (2)), metadata_props (14; StringStringEntryProto: key (1), value (2)).
 */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.bytes(7, encodeGraph(m.graph));
  w.bytes(8, new ProtoWriter().string(1, '').int(2, m.opsetVersion).finish());
  for (const [k, v] of Object.entries(m.metadata ?? {})) w.bytes(14, new ProtoWriter().string(1, k).string(2, v).finish());
  return w.finish();
}
