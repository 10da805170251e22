import assert from "node:assert/strict";
import { requireOrSkip } from "../../../test/support/test-model";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findProgram } from "./recorder";
import { levelDb, meterLevel, wavHeader } from "./wav";

describe("voice wav and level", () => {
  it("a full-scale sine is about -3 dBFS, silence is -Infinity, and the meter maps -60..0 dB onto 0..1", () => {
    const sine = Int16Array.from({ length: 1600 }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * 440 * i) / 16000)));
    assert.ok(Math.abs(levelDb(sine) + 3.01) < 0.05, String(levelDb(sine)));
    assert.equal(levelDb(new Int16Array(1600)), -Infinity);
    assert.equal(meterLevel(-Infinity), 0);
    assert.equal(meterLevel(-90), 0);
    assert.equal(meterLevel(-30), 0.5);
    assert.equal(meterLevel(3), 1);
  });

  it("the WAV header describes 16 kHz mono 16-bit PCM, as sox reads it", function () {
    requireOrSkip(this, findProgram("soxi") ? undefined : "soxi is not on PATH", "run test/e2e/setup (it installs sox)");
    const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-wav-"));
    try {
      const data = Buffer.alloc(32_000); // one second
      const file = path.join(dir, "a.wav");
      writeFileSync(file, Buffer.concat([wavHeader(data.length), data]));
      const info = execFileSync("soxi", [file], { encoding: "utf8" });
      assert.match(info, /Channels\s+: 1/);
      assert.match(info, /Sample Rate\s+: 16000/);
      assert.match(info, /Precision\s+: 16-bit/);
      assert.match(info, /Duration\s+: 00:00:01\.00 = 16000 samples/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
