import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AudioInputError, checkAudioFile, sniffAudio } from "./audio-file";
import { wavHeader } from "./wav";

describe("voice audio files", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "pincer-audio-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("knows WAV, MP3 and FLAC by their first bytes, nothing by the name", () => {
    assert.equal(sniffAudio(wavHeader(100)), "wav");
    assert.equal(sniffAudio(Buffer.from("fLaC\0\0\0\x22")), "flac");
    assert.equal(sniffAudio(Buffer.from("ID3\x04\0\0")), "mp3");
    assert.equal(sniffAudio(Buffer.from([0xff, 0xfb, 0x90, 0x64])), "mp3");
    assert.equal(sniffAudio(Buffer.from("OggS\0\x02")), undefined);
    assert.equal(sniffAudio(Buffer.from("hello")), undefined);
  });

  const rows: [string, Buffer | undefined, RegExp][] = [
    ["missing.wav", undefined, /does not exist/],
    ["empty.wav", Buffer.alloc(0), /is empty/],
    ["notes.wav", Buffer.from("just some text, named .wav"), /is not WAV, MP3 or FLAC audio; convert it to WAV first, e\.g\. `ffmpeg -i INPUT -ar 16000 -ac 1 out\.wav`/],
    ["voice.ogg", Buffer.from("OggS\0\x02\0\0\0\0\0\0\0\0"), /is not WAV, MP3 or FLAC/],
    ["header-only.wav", wavHeader(0), /a WAV file without audio/],
  ];
  for (const [name, content, message] of rows) {
    it(`refuses ${name} with a clear message`, async () => {
      const file = path.join(dir, name);
      if (content) writeFileSync(file, content);
      await assert.rejects(checkAudioFile(file), (error: Error) => error instanceof AudioInputError && message.test(error.message));
    });
  }

  it("accepts a WAV with audio", async () => {
    const file = path.join(dir, "ok.wav");
    writeFileSync(file, Buffer.concat([wavHeader(3200), Buffer.alloc(3200)]));
    assert.deepEqual(await checkAudioFile(file), { path: file, kind: "wav", bytes: 3244 });
  });
});
