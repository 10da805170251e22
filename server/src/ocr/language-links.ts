// tesseract.js reads every language of a worker from one `langPath` folder, but each
// @tesseract.js-data package keeps its file in its own folder. A private temp folder of links
// (copies where links are not allowed) joins them; it holds no data of its own.
import { promises as fs, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { languageDataDir } from "./language-data";

let linkDir: Promise<string> | undefined;
const linked = new Map<string, Promise<void>>();

/** The langPath folder holding `<code>.traineddata.gz` for each of the given languages. */
export async function languageFolder(codes: readonly string[]): Promise<string> {
  linkDir ??= fs.mkdtemp(path.join(os.tmpdir(), "pincer-ocr-lang-")).then((dir) => {
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  const dir = await linkDir;
  await Promise.all(codes.map((code) => link(dir, code)));
  return dir;
}

function link(dir: string, code: string): Promise<void> {
  let pending = linked.get(code);
  if (!pending) {
    pending = (async () => {
      const source = languageDataDir(code);
      if (!source) throw new Error(`no language data for ${code}`);
      const from = path.join(source, `${code}.traineddata.gz`);
      const to = path.join(dir, `${code}.traineddata.gz`);
      await fs.symlink(from, to).catch(() => fs.copyFile(from, to));
    })();
    linked.set(code, pending);
    pending.catch(() => linked.delete(code));
  }
  return pending;
}
