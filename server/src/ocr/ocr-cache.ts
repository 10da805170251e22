// Results by content hash + languages: a small in-memory LRU, backed by JSON files in the cache
// folder when one is given, so a second request (or a second CLI run) is instant. An entry on disk
// is checked before use: one of the wrong shape (damaged, hand-edited, another version) is deleted
// and the document read again, instead of failing every run until someone deletes it.
import { promises as fs } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../platform/atomic-fs";
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
    const hit = this.memory.get(key) ?? (await this.fromDisk(key));
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

  private async fromDisk(key: string): Promise<OcrResult | undefined> {
    if (!this.dir) return undefined;
    const file = this.file(key);
    const stored = await fs.readFile(file, "utf8").catch(() => undefined);
    if (stored === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(stored);
    } catch {
      value = undefined;
    }
    if (isOcrResult(value) && key.startsWith(`${value.sha256}-`)) return value;
    await fs.rm(file, { force: true }).catch(() => undefined);
    return undefined;
  }

  private file(key: string): string {
    return path.join(this.dir!, "ocr", `${key}.json`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

function isBox(value: unknown): boolean {
  return isObject(value) && isNumber(value.x0) && isNumber(value.y0) && isNumber(value.x1) && isNumber(value.y1);
}

function isLine(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.text === "string" &&
    isNumber(value.confidence) &&
    isBox(value.box) &&
    Array.isArray(value.words) &&
    value.words.every((w) => isObject(w) && typeof w.text === "string" && isNumber(w.confidence) && isBox(w.box))
  );
}

function isPage(value: unknown): boolean {
  return (
    isObject(value) &&
    isNumber(value.page) &&
    (value.source === "ocr" || value.source === "text-layer") &&
    isNumber(value.width) &&
    isNumber(value.height) &&
    typeof value.markdown === "string" &&
    Array.isArray(value.lines) &&
    value.lines.every(isLine)
  );
}

/** The shape every reader of a cached result relies on. */
export function isOcrResult(value: unknown): value is OcrResult {
  return (
    isObject(value) &&
    typeof value.sha256 === "string" &&
    typeof value.kind === "string" &&
    isStrings(value.languages) &&
    Array.isArray(value.pages) &&
    value.pages.every(isPage) &&
    isNumber(value.pageCount) &&
    typeof value.markdown === "string" &&
    isNumber(value.confidence) &&
    isStrings(value.notes)
  );
}
