// The recorder with real processes: sox "records" real espeak-ng speech from a file (the OS
// recorder's output format exactly), so silence detection, trimming, limits, stop, cancel and a
// recorder that fails are all checked on real audio and real child processes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { concat, durationMs, fileRecorder, requireSpeechTools, silence, speak } from "../../../test/support/speech";
import { chooseRecorder, record, RecorderError } from "./recorder";

describe("voice recorder", function () {
  this.timeout(60_000);
  let dir: string;
  let speech: string;
  let speechMs: number;

  before(function () {
    requireSpeechTools(this);
    dir = mkdtempSync(path.join(os.tmpdir(), "pincer-recorder-"));
    speech = speak("Please open the settings file.", "en-us", path.join(dir, "speech.wav"));
    speechMs = durationMs(speech);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("stops on silence after speech and keeps only what was said, plus a short tail", async () => {
    const file = concat([speech, silence(3, path.join(dir, "s3.wav")), speak("And this part is never heard.", "en-us", path.join(dir, "more.wav"))], path.join(dir, "pause.wav"));
    const levels: number[] = [];
    const recording = await record({ signal: new AbortController().signal, command: fileRecorder(file), silenceMs: 1500, onLevel: (level) => levels.push(level) });
    assert.equal(recording.stoppedBy, "silence");
    assert.equal(recording.heardSpeech, true);
    // Speech (espeak pads a little silence at its end) + at most 0.4 s kept after the last loud frame.
    assert.ok(recording.audioMs <= speechMs + 500, `${recording.audioMs} ms kept of ${speechMs} ms speech`);
    assert.ok(recording.audioMs >= speechMs - 600, `${recording.audioMs} ms kept of ${speechMs} ms speech`);
    assert.equal(recording.pcm.length, (recording.audioMs * 16_000) / 1000);
    assert.ok(Math.max(...levels) > 0.5, `loud frames reach the meter (max ${Math.max(...levels)})`);
    assert.equal(Math.min(...levels), 0, "digital silence shows as 0");
  });

  it("ends with the recorder when it stops by itself", async () => {
    const recording = await record({ signal: new AbortController().signal, command: fileRecorder(speech), silenceMs: 5000 });
    assert.equal(recording.stoppedBy, "end");
    assert.ok(Math.abs(recording.audioMs - speechMs) <= 100, `${recording.audioMs} vs ${speechMs}`);
  });

  it("stops at the length limit", async () => {
    const tone = path.join(dir, "tone.wav");
    execFileSync("sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", tone, "synth", "10", "sine", "440", "vol", "0.5"]);
    const recording = await record({ signal: new AbortController().signal, command: fileRecorder(tone), maxMs: 2000 });
    assert.equal(recording.stoppedBy, "limit");
    assert.equal(recording.audioMs, 2000);
  });

  it("gives up on silence when nobody speaks", async () => {
    const recording = await record({ signal: new AbortController().signal, command: fileRecorder(silence(4, path.join(dir, "quiet.wav"))), noSpeechMs: 3000 });
    assert.equal(recording.stoppedBy, "silence");
    assert.equal(recording.heardSpeech, false);
  });

  it("a stop keeps what was recorded; a cancel throws AbortError; both end the recorder", async () => {
    // A recorder that records nothing until it is killed.
    const hang = { program: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] };
    const stop = new AbortController();
    const stopped = record({ signal: new AbortController().signal, command: hang, stop: stop.signal });
    stop.abort();
    const recording = await stopped;
    assert.equal(recording.stoppedBy, "stop");
    assert.equal(recording.pcm.length, 0);

    const cancel = new AbortController();
    const cancelled = record({ command: hang, signal: cancel.signal });
    cancel.abort();
    await assert.rejects(cancelled, { name: "AbortError" });
  });

  it("a recorder that fails says why, with its own message", async () => {
    const failing = { program: process.execPath, args: ["-e", "process.stderr.write('arecord: main:831: audio open error: No such file or directory\\n'); process.exit(1)"] };
    await assert.rejects(record({ signal: new AbortController().signal, command: failing }), (error: Error) => error instanceof RecorderError && /audio open error/.test(error.message) && /microphone/.test(error.message));
    await assert.rejects(record({ signal: new AbortController().signal, command: { program: path.join(dir, "no-such-recorder"), args: [] } }), (error: Error) => error instanceof RecorderError && /could not start/.test(error.message));
  });

  it("finds the platform's recorder on PATH, and says what to install when there is none", () => {
    const bin = path.join(dir, "bin");
    const empty = path.join(dir, "empty");
    for (const folder of [bin, empty]) rmSync(folder, { recursive: true, force: true });
    for (const folder of [bin, empty]) mkdirSync(folder);
    writeFileSync(path.join(bin, "sox"), "#!/bin/sh\n");
    chmodSync(path.join(bin, "sox"), 0o755);
    const found = chooseRecorder({ env: { PATH: bin }, platform: "linux" });
    assert.equal(found.command?.program, path.join(bin, "sox"));
    assert.deepEqual(found.command?.args.slice(0, 2), ["-q", "-d"]);
    const none = chooseRecorder({ env: { PATH: empty }, platform: "linux" });
    assert.equal(none.command, undefined);
    assert.match(none.reason!, /No audio recorder found \(looked for arecord, sox, ffmpeg on PATH\): install alsa-utils/);
    const mac = chooseRecorder({ env: { PATH: empty }, platform: "darwin" });
    assert.match(mac.reason!, /brew install sox/);
    // A relative PATH entry (a workspace's ./bin) is never used.
    assert.equal(chooseRecorder({ env: { PATH: path.relative(process.cwd(), bin) }, platform: "linux" }).command, undefined);
    assert.equal(chooseRecorder({ env: { PATH: bin }, platform: "linux", preferred: "arecord" }).command, undefined);
  });
});
