import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireWhisperModel, WHISPER_TEST_MODEL } from "../../../test/support/speech";
import { TEST_MODEL_PATH } from "../../../test/support/test-model";
import { inspectWhisperModel, resolveVoiceModel, VOICE_MODEL_CATALOG, voiceModelInfo, VoiceModelError } from "./whisper-models";

function ggmlHeader(hparams: number[], melRows = 80): Buffer {
  const b = Buffer.alloc(4 + hparams.length * 4 + 8);
  b.writeUInt32LE(0x67676d6c, 0);
  hparams.forEach((v, i) => b.writeInt32LE(v, 4 + i * 4));
  b.writeInt32LE(melRows, 4 + hparams.length * 4);
  b.writeInt32LE(201, 8 + hparams.length * 4);
  return b;
}
const BASE = [51865, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1];

describe("voice models", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "pincer-whisper-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves catalog ids into the models folder and paths as given", async () => {
    assert.equal(resolveVoiceModel("base", dir).path, path.join(dir, "ggml-base.bin"));
    assert.equal(resolveVoiceModel("", dir).catalog?.id, "base");
    assert.equal(resolveVoiceModel("small", dir).catalog?.bytes, 487_601_967);
    assert.equal(resolveVoiceModel("/models/ggml-medium.bin", dir).path, "/models/ggml-medium.bin");
    assert.throws(() => resolveVoiceModel("large", dir), /use base, small or the path of a whisper\.cpp ggml \.bin file/);
    const info = await voiceModelInfo("base", dir);
    assert.deepEqual(info, { setting: "base", path: path.join(dir, "ggml-base.bin"), present: false, catalog: { id: "base", label: VOICE_MODEL_CATALOG.base.label, bytes: 147_951_465 } });
  });

  it("tells a Whisper ggml file from a GGUF chat model, a cut-off download and other files", async () => {
    const file = (name: string, content: Buffer, size?: number) => {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      if (size) truncateSync(p, size);
      return p;
    };
    const header = await inspectWhisperModel(file("ok.bin", ggmlHeader(BASE), 147_951_465));
    assert.deepEqual(header, { nVocab: 51865, nAudioLayer: 6, nTextLayer: 6, nMels: 80, multilingual: true });
    const rejects = async (p: string, message: RegExp) => assert.rejects(inspectWhisperModel(p), (e: Error) => e instanceof VoiceModelError && message.test(e.message));
    await rejects(file("cut.bin", ggmlHeader(BASE), 1_000_000), /only 1000000 bytes: the file is incomplete/);
    await rejects(file("tiny.bin", Buffer.from("ggml")), /too short to be a Whisper model/);
    await rejects(file("llm.bin", Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(60)])), /not a whisper\.cpp ggml model \(it is a GGUF file: a chat model, not a Whisper model\)/);
    await rejects(file("other.bin", ggmlHeader([32000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 100_000_000), /not a Whisper model's hyperparameters \(n_vocab=32000/);
    await rejects(path.join(dir, "none.bin"), /does not exist/);
    if (existsSync(TEST_MODEL_PATH)) await rejects(TEST_MODEL_PATH, /GGUF file/);
  });

  it("the real test model reads as a multilingual Whisper base", async function () {
    requireWhisperModel(this);
    assert.deepEqual(await inspectWhisperModel(WHISPER_TEST_MODEL), { nVocab: 51865, nAudioLayer: 6, nTextLayer: 6, nMels: 80, multilingual: true });
  });
});
