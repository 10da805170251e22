import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readJsonFile, writeFileAtomic } from "./atomic-fs";

describe("writeFileAtomic", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-atomic-"));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("creates the file and its folders", async () => {
    const file = path.join(dir, "a", "b", "settings.json");
    await writeFileAtomic(file, '{"x":1}');
    assert.equal(await fs.readFile(file, "utf8"), '{"x":1}');
  });

  it("replaces the content and leaves no temporary file", async () => {
    const file = path.join(dir, "data.txt");
    await writeFileAtomic(file, "a much longer first version of the content");
    await writeFileAtomic(file, "short");
    assert.equal(await fs.readFile(file, "utf8"), "short");
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await fs.readFile(file))], [1, 2, 3]);
    assert.deepEqual(await fs.readdir(dir), ["data.txt"]);
  });

  it("keeps one whole version when writes race", async () => {
    const file = path.join(dir, "race.txt");
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(200 + i));
    await Promise.all(versions.map((v) => writeFileAtomic(file, v)));
    assert.ok(versions.includes(await fs.readFile(file, "utf8")), "the file holds one complete version");
    assert.deepEqual(await fs.readdir(dir), ["race.txt"]);
  });

  it("removes its temporary file when the rename fails", async () => {
    const target = path.join(dir, "occupied");
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, "inside"), "x");
    await assert.rejects(writeFileAtomic(target, "data"));
    assert.deepEqual(await fs.readdir(dir), ["occupied"]);
  });
});

describe("readJsonFile", () => {
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-json-"));
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("reads JSON", async () => {
    const file = path.join(dir, "ok.json");
    await fs.writeFile(file, '{"a":[1,2]}');
    assert.deepEqual(await readJsonFile(file), { a: [1, 2] });
  });

  it("treats a missing or damaged file as absent", async () => {
    assert.equal(await readJsonFile(path.join(dir, "missing.json")), undefined);
    const damaged = path.join(dir, "damaged.json");
    await fs.writeFile(damaged, '{"a": ');
    assert.equal(await readJsonFile(damaged), undefined);
  });

  it("passes on other errors", async () => {
    await assert.rejects(readJsonFile(dir), (error: NodeJS.ErrnoException) => error.code === "EISDIR");
  });
});
