// tesseract.js reads every language of a worker from one `langPath` folder, but each
// @tesseract.js-data package keeps its file in its own folder. A folder of links in Pincer's cache
// (copies where links are not allowed) joins them. It holds no data of its own and is reused by
// every process, so nothing piles up in the temp folder.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { defaultCacheDir } from "../store/json-store";
import { languageDataDir } from "./language-data";

/** The langPath folder holding `<code>.traineddata.gz` for each of the given languages. */
export async function languageFolder(codes: readonly string[], cacheDir = defaultCacheDir()): Promise<string> {
  const dir = path.join(cacheDir, "ocr", "languages");
  await fs.mkdir(dir, { recursive: true });
  await Promise.all(codes.map((code) => link(dir, code)));
  return dir;
}

/** Checked on every worker start (a readlink): another install may have re-pointed the link since. */
async function link(dir: string, code: string): Promise<void> {
  const source = languageDataDir(code);
  if (!source) throw new Error(`no language data for ${code}`);
  const from = path.join(source, `${code}.traineddata.gz`);
  const to = path.join(dir, `${code}.traineddata.gz`);
  if (await pointsTo(to, from)) return;
  // Made under a temporary name and renamed over: other processes may be doing the same.
  const temp = `${to}.${randomBytes(6).toString("hex")}.tmp`;
  await fs.symlink(from, temp).catch(() => fs.copyFile(from, temp));
  await fs.rename(temp, to).catch(async (error: unknown) => {
    await fs.rm(temp, { force: true });
    throw error;
  });
}

/** Whether `to` is a link to `from`, or a copy of the same size (where links are not allowed). */
async function pointsTo(to: string, from: string): Promise<boolean> {
  const target = await fs.readlink(to).catch(() => undefined);
  if (target !== undefined) return target === from;
  const [a, b] = await Promise.all([fs.stat(to).catch(() => undefined), fs.stat(from)]);
  return a !== undefined && a.isFile() && a.size === b.size;
}
