// What the index holds per file (size, mtime, content hash), so an update reads only files whose
// size or mtime moved and re-chunks only those whose content changed. Written atomically; a
// missing or damaged manifest means "index everything again" (the rows are recomputed).
import { readJsonFile, writeFileAtomic } from "../platform/atomic-fs";

export interface FileEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
  chunks: number;
}

interface ManifestFile {
  version: 1;
  files: Record<string, FileEntry>;
}

export class IndexManifest {
  private constructor(
    private readonly file: string,
    readonly files: Map<string, FileEntry>,
    /** False when the file was missing or unreadable: the store's rows cannot be trusted. */
    readonly trusted: boolean,
  ) {}

  static async load(file: string): Promise<IndexManifest> {
    const data = await readJsonFile<ManifestFile>(file).catch(() => undefined);
    if (!data || data.version !== 1 || typeof data.files !== "object" || data.files === null) return new IndexManifest(file, new Map(), false);
    const files = new Map<string, FileEntry>();
    for (const [key, entry] of Object.entries(data.files)) {
      if (typeof entry?.sha256 === "string" && typeof entry.size === "number" && typeof entry.mtimeMs === "number") files.set(key, { ...entry, chunks: Number(entry.chunks) || 0 });
    }
    return new IndexManifest(file, files, true);
  }

  async save(): Promise<void> {
    const data: ManifestFile = { version: 1, files: Object.fromEntries(this.files) };
    await writeFileAtomic(this.file, JSON.stringify(data), { mode: 0o600 });
  }
}
