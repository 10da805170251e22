// Voice input over a real LSP connection and from the bundled CLI, without a Whisper model: what
// dictation reports it would use, the consent path when the model is missing, a recorder that
// hears nothing, parameter checks, and `pincer transcribe` exit codes and messages.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ErrorCodes, ResponseError } from "vscode-languageserver-protocol/node";
import { DictateRequest, VoiceStatusRequest, type VoiceStatusResult } from "../../server/src/protocol";
import { SERVER_BUNDLE, startTestServer, type TestServer } from "../support/lsp-client";
import { fileRecorder, requireSpeechTools, silence, speak } from "../support/speech";

describe("LSP pincer/voice without a model", function () {
  this.timeout(90_000);
  let dir: string;
  let speech: string;
  const servers: TestServer[] = [];
  const start = async (recorderFile: string) => {
    const { program, args } = fileRecorder(recorderFile);
    const server = await startTestServer({ settings: { modelsDir: path.join(dir, "models") }, env: { PINCER_CACHE_DIR: path.join(dir, "cache"), PINCER_VOICE_RECORDER: JSON.stringify([program, ...args]) } });
    servers.push(server);
    return server;
  };

  before(async function () {
    requireSpeechTools(this);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-lsp-voice-"));
    speech = speak("Open the settings file.", "en-us", path.join(dir, "speech.wav"));
  });
  after(async () => {
    for (const server of servers) await server.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("reports the model it would download (with its size) and the recorder", async () => {
    const server = await start(speech);
    const status = await server.connection.sendRequest(VoiceStatusRequest, {});
    assert.equal(status.model.present, false);
    assert.equal(status.model.path, path.join(dir, "models", "ggml-base.bin"));
    assert.deepEqual(status.model.catalog, { id: "base", label: "Whisper base, multilingual (148 MB)", bytes: 147_951_465 });
    assert.match(status.recorder.program!, /sox$/);
  });

  it("dictation without the model says it is not downloaded and how to get it; the server keeps serving", async () => {
    const server = await start(speech);
    await assert.rejects(server.connection.sendRequest(DictateRequest, { id: "d1" }), (error: Error) => /The Whisper base model is not downloaded yet \(Whisper base, multilingual \(148 MB\)/.test(error.message));
    const status = await server.connection.sendRequest(VoiceStatusRequest, {});
    assert.equal(status.model.present, false);
  });

  it("a recording without speech is an error that names the microphone", async () => {
    const server = await start(silence(16, path.join(dir, "quiet.wav")));
    await assert.rejects(server.connection.sendRequest(DictateRequest, { id: "d2" }), /No speech was heard\. Check that the microphone is connected/);
  });

  it("refuses a language it does not offer", async () => {
    const server = await start(speech);
    await assert.rejects(server.connection.sendRequest(DictateRequest.method, { id: "d3", language: "fr" }), (error: unknown) => error instanceof ResponseError && error.code === ErrorCodes.InvalidParams && /language must be one of auto, zh, en/.test(error.message));
  });

  describe("pincer transcribe (no model)", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [SERVER_BUNDLE, "transcribe", ...args], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PINCER_SETTINGS: path.join(dir, "none.json"), PINCER_MODELS_DIR: path.join(dir, "models"), PINCER_VOICE_MODEL: "" },
      });

    it("exit 2 for bad arguments, 1 for a file it cannot read, 1 with the download hint when the model is missing", async () => {
      const badLang = run(["speech.wav", "--lang", "fr"]);
      assert.equal(badLang.status, 2);
      assert.match(badLang.stderr, /--lang takes auto, zh or en/);
      assert.equal(run([]).status, 2);
      const missing = run(["nothing.wav"]);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /pincer: nothing\.wav does not exist\./);
      await fs.writeFile(path.join(dir, "notes.txt"), "not audio");
      const text = run(["notes.txt"]);
      assert.equal(text.status, 1);
      assert.match(text.stderr, /is not WAV, MP3 or FLAC audio; convert it to WAV first/);
      const noModel = run(["speech.wav", "--json"]);
      assert.equal(noModel.status, 1);
      assert.equal(noModel.stdout, "");
      assert.match(noModel.stderr, /The Whisper base model is not downloaded yet .* `pincer voice-model download`/);
      await fs.writeFile(path.join(dir, "chat.bin"), Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(100)]));
      const wrongModel = run(["speech.wav", "--model", path.join(dir, "chat.bin")]);
      assert.equal(wrongModel.status, 1);
      assert.match(wrongModel.stderr, /chat\.bin is not a whisper\.cpp ggml model \(it is a GGUF file/);
    });
  });
});
