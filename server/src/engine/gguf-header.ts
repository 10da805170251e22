// A bounds check of a GGUF header before any parser allocates for it: every count and length the
// header states must fit in the file that holds it. node-llama-cpp's reader trusts the counts (a
// file claiming ten million tensors kept it busy for over 100 s and 2.3 GB before it failed), and
// llama.cpp would do the same work natively. This walk reads the header once through a small
// buffer and keeps nothing but the problem it finds.
//
// Layout (little-endian, versions 2 and 3): "GGUF", u32 version, u64 tensor count, u64 metadata
// count; each metadata entry: string key, u32 type, value; each tensor: string name, u32 n_dims,
// u64 dims[n_dims], u32 ggml type, u64 offset. A string is a u64 length and its bytes.
import type { FileHandle } from "node:fs/promises";

/** What is wrong with the header, in words; `kind` picks the ModelFileError problem. */
export class GgufHeaderProblem extends Error {
  override readonly name = "GgufHeaderProblem";
  constructor(
    readonly kind: "truncated" | "damaged" | "unsupported-version",
    message: string,
  ) {
    super(message);
  }
}

const STRING = 8;
const ARRAY = 9;
/** Bytes of one value of each fixed-size metadata type. */
const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
/** Smallest possible entries: key length + type + a one-byte value; name length + n_dims + type + offset. */
const MIN_METADATA_ENTRY = 8 + 4 + 1;
const MIN_TENSOR_INFO = 8 + 4 + 4 + 8;
/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** Far above any ggml type id in use (about 40), far below garbage. */
const MAX_GGML_TYPE = 1024;
const CHUNK = 1 << 20;
/** Real models have hundreds to a few thousand tensors and under a hundred metadata entries. */
const MAX_PLAUSIBLE_COUNT = 1_000_000n;

class HeaderReader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
    private readonly signal: AbortSignal,
  ) {}

  get remaining(): number {
    return this.fileSize - this.position;
  }

  async u32(what: string): Promise<number> {
    return (await this.bytes(4, what)).readUInt32LE(0);
  }

  async u64(what: string): Promise<bigint> {
    return (await this.bytes(8, what)).readBigUInt64LE(0);
  }

  /** A string's length, checked against the rest of the file; the text when `keep`, else skipped. */
  async string(what: string, keep = false): Promise<string> {
    const length = await this.u64(`the length of ${what}`);
    if (length > BigInt(this.remaining)) {
      throw new GgufHeaderProblem("damaged", `${what} is ${length} bytes long, longer than the rest of the file (${this.remaining} bytes)`);
    }
    if (!keep) {
      this.position += Number(length);
      return "";
    }
    return (await this.bytes(Number(length), what)).toString("utf8");
  }

  skip(bytes: bigint, what: string): void {
    if (bytes > BigInt(this.remaining)) throw new GgufHeaderProblem("damaged", `${what} needs ${bytes} bytes, more than the rest of the file (${this.remaining} bytes)`);
    this.position += Number(bytes);
  }

  private async bytes(count: number, what: string): Promise<Buffer> {
    if (this.position + count > this.fileSize) throw new GgufHeaderProblem("truncated", `the file ends inside its header (in ${what}); it is incomplete`);
    const offset = this.position - this.bufferStart;
    if (offset < 0 || offset + count > this.buffer.length) {
      this.signal.throwIfAborted();
      const size = Math.min(Math.max(count, CHUNK), this.fileSize - this.position);
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await this.handle.read(buffer, 0, size, this.position);
      this.buffer = buffer.subarray(0, bytesRead);
      this.bufferStart = this.position;
      if (bytesRead < count) throw new GgufHeaderProblem("truncated", `the file ends inside its header (in ${what}); it is incomplete`);
    }
    const start = this.position - this.bufferStart;
    this.position += count;
    return this.buffer.subarray(start, start + count);
  }
}

/** Walks the header of the GGUF file open in `handle`; throws GgufHeaderProblem at the first field that cannot be right. */
export async function checkGgufHeader(handle: FileHandle, fileSize: number, signal: AbortSignal): Promise<void> {
  const reader = new HeaderReader(handle, fileSize, signal);
  reader.position = 4; // the magic, checked by the caller
  const version = await reader.u32("the version");
  if (version > 0xffff && (version & 0xffff) === 0) {
    throw new GgufHeaderProblem("unsupported-version", `the file looks big-endian (version field ${version}); Pincer reads little-endian GGUF files only`);
  }
  if (version !== 2 && version !== 3) {
    throw new GgufHeaderProblem("unsupported-version", `GGUF version ${version} is not supported (llama.cpp reads versions 2 and 3)${version === 1 ? "; convert the model again with a current llama.cpp" : ""}`);
  }
  const tensorCount = await reader.u64("the tensor count");
  const metadataCount = await reader.u64("the metadata count");
  if (tensorCount > MAX_PLAUSIBLE_COUNT || metadataCount > MAX_PLAUSIBLE_COUNT) {
    throw new GgufHeaderProblem("damaged", `the header claims ${tensorCount} tensors and ${metadataCount} metadata entries; the file is damaged`);
  }
  if (tensorCount * BigInt(MIN_TENSOR_INFO) + metadataCount * BigInt(MIN_METADATA_ENTRY) > BigInt(reader.remaining)) {
    throw new GgufHeaderProblem(
      "truncated",
      `the file is incomplete: its header describes ${tensorCount} tensors and ${metadataCount} metadata entries, more than its ${fileSize} bytes hold; download it again`,
    );
  }

  let alignment = 32;
  for (let index = 1n; index <= metadataCount; index++) {
    const key = await reader.string(`metadata entry ${index}: its key`, true);
    const type = await reader.u32(`the type of "${key}"`);
    if (key === "general.alignment" && type === 4) {
      const value = await reader.u32(`"${key}"`);
      if (value === 0 || (value & (value - 1)) !== 0) throw new GgufHeaderProblem("damaged", `"general.alignment" is ${value}, not a power of two`);
      alignment = value;
      continue;
    }
    await skipValue(reader, key, type);
  }

  for (let index = 0n; index < tensorCount; index++) {
    const name = await reader.string(`the name of tensor ${index + 1n}`, true);
    const dims = await reader.u32(`the dimension count of "${name}"`);
    if (dims > MAX_DIMS) throw new GgufHeaderProblem("damaged", `tensor "${name}" has ${dims} dimensions; GGUF allows at most ${MAX_DIMS}`);
    let elements = 1n;
    for (let d = 0; d < dims; d++) elements *= await reader.u64(`a dimension of "${name}"`);
    // No ggml type stores an element in less than one bit.
    if (elements > BigInt(fileSize) * 8n) throw new GgufHeaderProblem("damaged", `tensor "${name}" claims ${elements} elements, more than the file can hold`);
    const type = await reader.u32(`the type of "${name}"`);
    if (type >= MAX_GGML_TYPE) throw new GgufHeaderProblem("damaged", `tensor "${name}" has an unknown type ${type}`);
    const offset = await reader.u64(`the offset of "${name}"`);
    if (offset > BigInt(fileSize)) throw new GgufHeaderProblem("damaged", `tensor "${name}" starts at ${offset}, past the end of the file (${fileSize} bytes)`);
  }

  const dataStart = Math.ceil(reader.position / alignment) * alignment;
  if (tensorCount > 0n && dataStart > fileSize) throw new GgufHeaderProblem("truncated", "the file ends before its tensor data starts; it is incomplete");
}

async function skipValue(reader: HeaderReader, key: string, type: number): Promise<void> {
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined) return reader.skip(BigInt(fixed), `"${key}"`);
  if (type === STRING) {
    await reader.string(`the value of "${key}"`);
    return;
  }
  if (type !== ARRAY) throw new GgufHeaderProblem("damaged", `metadata entry "${key}" has an unknown value type ${type}`);
  const itemType = await reader.u32(`the item type of "${key}"`);
  const count = await reader.u64(`the length of "${key}"`);
  const itemSize = FIXED_SIZE[itemType];
  if (itemSize !== undefined) return reader.skip(count * BigInt(itemSize), `"${key}" (${count} items)`);
  if (itemType !== STRING) throw new GgufHeaderProblem("damaged", `metadata entry "${key}" is an array of an unsupported type ${itemType}`);
  // Each string item takes at least its 8-byte length.
  if (count * 8n > BigInt(reader.remaining)) throw new GgufHeaderProblem("damaged", `"${key}" claims ${count} strings, more than the rest of the file can hold`);
  for (let item = 0n; item < count; item++) await reader.string(`item ${item + 1n} of "${key}"`);
}
