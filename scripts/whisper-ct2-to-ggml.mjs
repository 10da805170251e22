// Writes a whisper.cpp ggml model from a CTranslate2 Whisper model (faster-whisper's format) and OpenAI
// Whisper's assets (mel filters, tokenizer), exactly as whisper.cpp's models/convert-pt-to-ggml.py writes one
// from the original PyTorch checkpoint: same header, same tensor names, order, types and bytes. A float16
// CTranslate2 conversion holds the checkpoint's float16 values unchanged, so the output of the base model is
// byte for byte whisper.cpp's published ggml-base.bin (the fetch script checks its sha256).
//
// Only what the test fetch needs: float16 CTranslate2 models (WhisperSpec revision 3), no quantized ones.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

export class ConvertError extends Error {}

/** Parses a CTranslate2 model.bin (binary version 6): variables by name, aliases resolved. */
export function readCt2Model(buffer) {
  let offset = 0;
  const u8 = () => buffer.readUInt8(offset++);
  const u16 = () => { const v = buffer.readUInt16LE(offset); offset += 2; return v; };
  const u32 = () => { const v = buffer.readUInt32LE(offset); offset += 4; return v; };
  const str = () => { const n = u16(); const s = buffer.toString("utf8", offset, offset + n - 1); offset += n; return s; };
  const version = u32();
  if (version !== 6) throw new ConvertError(`CTranslate2 binary version ${version}, expected 6`);
  const spec = str();
  const revision = u32();
  if (spec !== "WhisperSpec" || revision !== 3) throw new ConvertError(`model spec ${spec} revision ${revision}, expected WhisperSpec revision 3`);
  const variables = new Map();
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = str();
    const rank = u8();
    const shape = Array.from({ length: rank }, u32);
    const dtype = ["float32", "int8", "int16", "int32", "float16", "bfloat16"][u8()];
    const bytes = u32();
    variables.set(name, { shape, dtype, data: buffer.subarray(offset, offset + bytes) });
    offset += bytes;
  }
  const aliases = u32();
  for (let i = 0; i < aliases; i++) {
    const alias = str();
    const target = str();
    variables.set(alias, variables.get(target));
  }
  if (offset !== buffer.length) throw new ConvertError(`${buffer.length - offset} unexpected bytes after the variables`);
  return variables;
}

/** Reads one float32 array from an .npz (a zip of .npy files, stored or deflated). */
export function readNpzFloat32(buffer, entry) {
  let offset = 0;
  while (offset + 30 <= buffer.length && buffer.readUInt32LE(offset) === 0x04034b50) {
    const method = buffer.readUInt16LE(offset + 8);
    const compressed = buffer.readUInt32LE(offset + 18);
    const nameLength = buffer.readUInt16LE(offset + 26);
    const extraLength = buffer.readUInt16LE(offset + 28);
    const name = buffer.toString("utf8", offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extraLength;
    if (name === entry) {
      const raw = buffer.subarray(start, start + compressed);
      const npy = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
      if (!npy) throw new ConvertError(`${entry}: zip method ${method} not supported`);
      return readNpyFloat32(npy);
    }
    offset = start + compressed;
  }
  throw new ConvertError(`${entry} not found in the .npz`);
}

function readNpyFloat32(npy) {
  if (npy.toString("latin1", 1, 6) !== "NUMPY") throw new ConvertError("not an .npy array");
  const headerLength = npy.readUInt16LE(8);
  const header = npy.toString("latin1", 10, 10 + headerLength);
  if (!header.includes("'descr': '<f4'") || !header.includes("'fortran_order': False")) throw new ConvertError(`unsupported .npy header ${header.trim()}`);
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (!shape) throw new ConvertError(`unsupported .npy shape in ${header.trim()}`);
  return { shape: [Number(shape[1]), Number(shape[2])], data: npy.subarray(10 + headerLength) };
}

/** The tokenizer as convert-pt-to-ggml.py reads it: a dict of base64 token → rank (later duplicates replace earlier ones in place). */
export function readTiktoken(text) {
  const tokens = new Map();
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const [token, rank] = line.split(/\s+/);
    tokens.set(Buffer.from(token, "base64").toString("latin1"), Number(rank));
  }
  return [...tokens.keys()].map((key) => Buffer.from(key, "latin1"));
}

function float16ToFloat32(data) {
  const out = Buffer.alloc(data.length * 2);
  for (let i = 0; i < data.length / 2; i++) {
    const h = data.readUInt16LE(i * 2);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    let value;
    if (exponent === 0) value = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 0x1f) value = fraction ? NaN : sign * Infinity;
    else value = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
    out.writeFloatLE(value, i * 4);
  }
  return out;
}

/** The tensors in the order of OpenAI Whisper's state dict (a module's own parameters and buffers before its children). */
function ggmlTensors(v, layers) {
  const get = (name) => {
    const variable = v.get(name);
    if (!variable) throw new ConvertError(`the CTranslate2 model has no ${name}`);
    if (variable.dtype !== "float16") throw new ConvertError(`${name} is ${variable.dtype}; only float16 models convert losslessly`);
    return variable;
  };
  // Fused projections are stacked along the output dimension: rows [part * n, (part + 1) * n).
  const rows = (name, part, parts) => {
    const variable = get(name);
    const rowsPerPart = variable.shape[0] / parts;
    const rowBytes = variable.data.length / variable.shape[0];
    return { shape: [rowsPerPart, ...variable.shape.slice(1)], data: variable.data.subarray(part * rowsPerPart * rowBytes, (part + 1) * rowsPerPart * rowBytes) };
  };
  const tensors = [];
  const add = (name, tensor) => tensors.push({ name, ...tensor });
  const layerNorm = (to, from) => { add(`${to}.weight`, get(`${from}/gamma`)); add(`${to}.bias`, get(`${from}/beta`)); };
  const mlp = (to, from) => {
    add(`${to}.mlp.0.weight`, get(`${from}/ffn/linear_0/weight`));
    add(`${to}.mlp.0.bias`, get(`${from}/ffn/linear_0/bias`));
    add(`${to}.mlp.2.weight`, get(`${from}/ffn/linear_1/weight`));
    add(`${to}.mlp.2.bias`, get(`${from}/ffn/linear_1/bias`));
  };
  // query, key (no bias: CTranslate2 stores zeros there), value, out.
  const attention = (to, q, k, v2, out) => {
    add(`${to}.query.weight`, q.weight);
    add(`${to}.query.bias`, q.bias);
    add(`${to}.key.weight`, k.weight);
    add(`${to}.value.weight`, v2.weight);
    add(`${to}.value.bias`, v2.bias);
    add(`${to}.out.weight`, out.weight);
    add(`${to}.out.bias`, out.bias);
  };
  const fused = (prefix, part, parts) => ({ weight: rows(`${prefix}/weight`, part, parts), bias: rows(`${prefix}/bias`, part, parts) });
  const plain = (prefix) => ({ weight: get(`${prefix}/weight`), bias: get(`${prefix}/bias`) });

  add("encoder.positional_embedding", get("encoder/position_encodings/encodings"));
  add("encoder.conv1.weight", get("encoder/conv1/weight"));
  add("encoder.conv1.bias", get("encoder/conv1/bias"));
  add("encoder.conv2.weight", get("encoder/conv2/weight"));
  add("encoder.conv2.bias", get("encoder/conv2/bias"));
  for (let i = 0; i < layers.encoder; i++) {
    const from = `encoder/layer_${i}`;
    const qkv = `${from}/self_attention/linear_0`;
    attention(`encoder.blocks.${i}.attn`, fused(qkv, 0, 3), fused(qkv, 1, 3), fused(qkv, 2, 3), plain(`${from}/self_attention/linear_1`));
    layerNorm(`encoder.blocks.${i}.attn_ln`, `${from}/self_attention/layer_norm`);
    mlp(`encoder.blocks.${i}`, from);
    layerNorm(`encoder.blocks.${i}.mlp_ln`, `${from}/ffn/layer_norm`);
  }
  layerNorm("encoder.ln_post", "encoder/layer_norm");
  add("decoder.positional_embedding", get("decoder/position_encodings/encodings"));
  add("decoder.token_embedding.weight", get("decoder/embeddings/weight"));
  for (let i = 0; i < layers.decoder; i++) {
    const from = `decoder/layer_${i}`;
    const qkv = `${from}/self_attention/linear_0`;
    attention(`decoder.blocks.${i}.attn`, fused(qkv, 0, 3), fused(qkv, 1, 3), fused(qkv, 2, 3), plain(`${from}/self_attention/linear_1`));
    layerNorm(`decoder.blocks.${i}.attn_ln`, `${from}/self_attention/layer_norm`);
    const kv = `${from}/attention/linear_1`;
    attention(`decoder.blocks.${i}.cross_attn`, plain(`${from}/attention/linear_0`), fused(kv, 0, 2), fused(kv, 1, 2), plain(`${from}/attention/linear_2`));
    layerNorm(`decoder.blocks.${i}.cross_attn_ln`, `${from}/attention/layer_norm`);
    mlp(`decoder.blocks.${i}`, from);
    layerNorm(`decoder.blocks.${i}.mlp_ln`, `${from}/ffn/layer_norm`);
  }
  layerNorm("decoder.ln", "decoder/layer_norm");
  return tensors;
}

function countLayers(v, side) {
  let n = 0;
  while (v.has(`${side}/layer_${n}/ffn/linear_0/weight`)) n++;
  return n;
}

/**
 * Converts `ct2ModelFile` (model.bin) + `melFiltersFile` (mel_filters.npz) + `tiktokenFile`
 * (multilingual.tiktoken or gpt2.tiktoken) into the ggml file `outFile`.
 */
export function convertCt2ToGgml({ ct2ModelFile, melFiltersFile, tiktokenFile, outFile }) {
  const v = readCt2Model(readFileSync(ct2ModelFile));
  const layers = { encoder: countLayers(v, "encoder"), decoder: countLayers(v, "decoder") };
  const embeddings = v.get("decoder/embeddings/weight");
  const audioPositions = v.get("encoder/position_encodings/encodings");
  const textPositions = v.get("decoder/position_encodings/encodings");
  const conv1 = v.get("encoder/conv1/weight");
  if (!embeddings || !audioPositions || !textPositions || !conv1 || layers.encoder === 0) throw new ConvertError("not a CTranslate2 Whisper model");
  const scalar = (name) => v.get(name).data.readInt16LE(0);
  const hparams = {
    n_vocab: embeddings.shape[0],
    n_audio_ctx: audioPositions.shape[0],
    n_audio_state: audioPositions.shape[1],
    n_audio_head: scalar("encoder/num_heads"),
    n_audio_layer: layers.encoder,
    n_text_ctx: textPositions.shape[0],
    n_text_state: textPositions.shape[1],
    n_text_head: scalar("decoder/num_heads"),
    n_text_layer: layers.decoder,
    n_mels: conv1.shape[1],
  };
  const filters = readNpzFloat32(readFileSync(melFiltersFile), `mel_${hparams.n_mels}.npy`);
  const tokens = readTiktoken(readFileSync(tiktokenFile, "latin1"));
  const fd = openSync(outFile, "w");
  try {
    const int32 = (...values) => { const b = Buffer.alloc(4 * values.length); values.forEach((x, i) => b.writeInt32LE(x, i * 4)); writeSync(fd, b); };
    int32(0x67676d6c, ...Object.values(hparams), 1); // magic "ggml", hparams, ftype 1 (float16)
    int32(...filters.shape);
    writeSync(fd, filters.data);
    int32(tokens.length);
    for (const token of tokens) { int32(token.length); writeSync(fd, token); }
    for (const tensor of ggmlTensors(v, layers)) {
      // As convert-pt-to-ggml.py: squeeze, conv biases as [n, 1], 1-D tensors, conv biases and positional
      // embeddings as float32, everything else float16; dimensions written innermost first.
      let shape = tensor.shape.filter((d) => d !== 1);
      if (tensor.name.endsWith("conv1.bias") || tensor.name.endsWith("conv2.bias")) shape = [shape[0], 1];
      const f32 = shape.length < 2 || /conv[12]\.bias$|positional_embedding$/.test(tensor.name);
      const name = Buffer.from(tensor.name, "utf8");
      int32(shape.length, name.length, f32 ? 0 : 1, ...[...shape].reverse());
      writeSync(fd, name);
      writeSync(fd, f32 ? float16ToFloat32(tensor.data) : tensor.data);
    }
  } finally {
    closeSync(fd);
  }
  return hparams;
}
