// Results by content hash + languages: a small in-memory LRU, backed by JSON files in the cache
// folder when one is given, so a second request (or a second CLI run) is instant.
import path from "node:path";
import { readJsonFile, writeFileAtomic } from "../platform/atomic-fs";
import type { OcrResult } from "./types";

/** Bumped when the output shape or the layout rules change, so old entries are not reused. */
const FORMAT = 1;
const MEMORY_ENTRIES = 32;

export class OcrCache {
  private readonly memory = new Map<string, OcrResult>();

  constructor(private readonly dir?: string) {}

  static key(sha256: string, languages: readonly string[]): string {
    return `${sha256}-${[...languages].sort().join("+")}-v${FORMAT}`;
  }

  async get(key: string): Promise<OcrResult | undefined> {
    const hit = this.memory.get(key) ?? (this.dir ? await readJsonFile<OcrResult>(this.file(key)).catch(() => undefined) : undefined);
    if (hit) this.remember(key, hit);
    return hit;
  }

  async set(key: string, result: OcrResult): Promise<void> {
    this.remember(key, result);
    if (this.dir) await writeFileAtomic(this.file(key), JSON.stringify(result)).catch(() => undefined);
  }

  private remember(key: string, result: OcrResult): void {
    this.memory.delete(key);
    this.memory.set(key, result);
    while (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
  }

  private file(key: string): string {
    return path.join(this.dir!, "ocr", `${key}.json`);
  }
}
