// A minimal GGUF v3 writer: header, key/value metadata, tensor infos, then the tensor data,
// which is produced and written chunk by chunk so a file of any size needs little memory.
// Only what synthetic models need: F32, F16 and Q8_0 tensors and a handful of value types.
// Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (all little-endian).
import { open } from "node:fs/promises";

/** ggml tensor types (ggml.h `enum ggml_type`). */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q8_0 = 8,
}

/** GGUF metadata value types (gguf.h `enum gguf_type`). */
enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

export type GgufValue =
  | { type: "string"; value: string }
  | { type: "uint32"; value: number }
  | { type: "int32"; value: number }
  | { type: "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string[]"; value: readonly string[] }
  | { type: "float32[]"; value: ArrayLike<number> }
  | { type: "int32[]"; value: ArrayLike<number> };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the row length (the contiguous dimension). */
  dims: number[];
  type: GgmlType;
  /** Fills `out` with the tensor's next `out.length` values (called in row order, whole rows). */
  fill: (out: Float32Array) => void;
}

export interface GgufFile {
  metadata: Array<[key: string, value: GgufValue]>;
  tensors: GgufTensor[];
  /** Written as general.alignment when not 32, the default readers assume. */
  alignment?: number;
}

const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK; // f16 scale + 32 int8
/** Values generated and encoded per write: large enough to amortise the syscalls, small enough to stay in cache-ish memory. */
const CHUNK_VALUES = 1 << 20;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function tensorBytes(tensor: Pick<GgufTensor, "dims" | "type">): number {
  const n = elementCount(tensor.dims);
  switch (tensor.type) {
    case GgmlType.F32:
      return n * 4;
    case GgmlType.F16:
      return n * 2;
    case GgmlType.Q8_0:
      return (n / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
  }
}

const alignUp = (n: number, alignment: number) => Math.ceil(n / alignment) * alignment;

/** Writes the file and returns its size in bytes. */
export async function writeGguf(path: string, file: GgufFile): Promise<number> {
  const alignment = file.alignment ?? 32;
  const metadata = [...file.metadata];
  if (alignment !== 32) metadata.push(["general.alignment", { type: "uint32", value: alignment }]);
  for (const t of file.tensors) {
    if (t.type === GgmlType.Q8_0 && t.dims[0]! % Q8_0_BLOCK !== 0) throw new Error(`${t.name}: Q8_0 needs a row length that is a multiple of 32, got ${t.dims[0]}`);
  }

  const header = new ByteWriter();
  header.bytes(Buffer.from("GGUF", "latin1"));
  header.u32(3);
  header.u64(file.tensors.length);
  header.u64(metadata.length);
  for (const [key, value] of metadata) {
    header.string(key);
    writeValue(header, value);
  }
  // Tensor offsets are relative to the start of the data section; each one starts aligned.
  let offset = 0;
  for (const t of file.tensors) {
    header.string(t.name);
    header.u32(t.dims.length);
    for (const d of t.dims) header.u64(d);
    header.u32(t.type);
    header.u64(offset);
    offset = alignUp(offset + tensorBytes(t), alignment);
  }
  header.pad(alignment);

  const handle = await open(path, "w");
  try {
    let written = await writeAll(handle, header.toBuffer());
    for (const t of file.tensors) {
      const rowLength = t.dims[0]!;
      const total = elementCount(t.dims);
      const chunkValues = Math.max(1, Math.floor(CHUNK_VALUES / rowLength)) * rowLength;
      const values = new Float32Array(Math.min(chunkValues, total));
      for (let done = 0; done < total; done += values.length) {
        const chunk = total - done < values.length ? values.subarray(0, total - done) : values;
        t.fill(chunk);
        written += await writeAll(handle, encode(chunk, t.type));
      }
      const padding = alignUp(written, alignment) - written;
      if (padding > 0) written += await writeAll(handle, Buffer.alloc(padding));
    }
    return written;
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: import("node:fs/promises").FileHandle, data: Uint8Array): Promise<number> {
  let done = 0;
  while (done < data.length) done += (await handle.write(data, done, data.length - done)).bytesWritten;
  return data.length;
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  const array = (type: ValueType, length: number) => {
    w.u32(ValueType.ARRAY);
    w.u32(type);
    w.u64(length);
  };
  switch (v.type) {
    case "string":
      w.u32(ValueType.STRING);
      return w.string(v.value);
    case "uint32":
      w.u32(ValueType.UINT32);
      return w.u32(v.value);
    case "int32":
      w.u32(ValueType.INT32);
      return w.i32(v.value);
    case "float32":
      w.u32(ValueType.FLOAT32);
      return w.f32(v.value);
    case "bool":
      w.u32(ValueType.BOOL);
      return w.bytes(Uint8Array.of(v.value ? 1 : 0));
    case "string[]":
      array(ValueType.STRING, v.value.length);
      for (const s of v.value) w.string(s);
      return;
    case "float32[]":
      array(ValueType.FLOAT32, v.value.length);
      for (let i = 0; i < v.value.length; i++) w.f32(v.value[i]!);
      return;
    case "int32[]":
      array(ValueType.INT32, v.value.length);
      for (let i = 0; i < v.value.length; i++) w.i32(v.value[i]!);
      return;
  }
}

/** Encodes values as the tensor type. Typed-array views assume a little-endian host, as GGUF itself does. */
export function encode(values: Float32Array, type: GgmlType): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case GgmlType.F16: {
      const out = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = f32ToF16(values[i]!);
      return new Uint8Array(out.buffer);
    }
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
  }
}

/** ggml's quantize_row_q8_0_ref: per 32 values, d = max|x| / 127 (stored as f16), q = round(x / d). */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  const blocks = values.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const q = new Int8Array(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const start = b * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[start + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const h = f32ToF16(d);
    const o = b * Q8_0_BLOCK_BYTES;
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = values[start + j]! * id;
      q[o + 2 + j] = x < 0 ? -Math.round(-x) : Math.round(x); // roundf: halves away from zero
    }
  }
  return out;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE binary32 → binary16 bits, round to nearest even, with subnormals (Node 20 has no Float16Array). */
export function f32ToF16(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: inf
  let half: number;
  let rest: number;
  let halfway: number;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    const shift = 14 - e; // subnormal: shift the explicit-1 mantissa into place
    const m = mant | 0x800000;
    half = m >>> shift;
    rest = m & ((1 << shift) - 1);
    halfway = 1 << (shift - 1);
  } else {
    half = (e << 10) | (mant >>> 13);
    rest = mant & 0x1fff;
    halfway = 0x1000;
  }
  // A carry out of the mantissa correctly bumps the exponent (up to inf).
  if (rest > halfway || (rest === halfway && half & 1)) half++;
  return sign | half;
}

/** Growable little-endian byte buffer for the header (metadata is at most a few MB). */
class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u32(v: number): void {
    this.reserve(4);
    this.len = this.buf.writeUInt32LE(v, this.len);
  }
  i32(v: number): void {
    this.reserve(4);
    this.len = this.buf.writeInt32LE(v, this.len);
  }
  f32(v: number): void {
    this.reserve(4);
    this.len = this.buf.writeFloatLE(v, this.len);
  }
  u64(v: number): void {
    this.reserve(8);
    this.len = this.buf.writeBigUInt64LE(BigInt(v), this.len);
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** gguf_string: u64 byte length, then UTF-8 without a terminator. */
  string(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void {
    const n = alignUp(this.len, alignment) - this.len;
    this.reserve(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
  }
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
