// bench/completion: the typing session as places in the files: which span the cursor jumps to, what
// is removed there and the keys that type it again. Loaded from a recorded session (or recorded now
// from --files) and checked against the files on disk.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { DEFAULT_SESSION, lineCount, recordSession, REPO_ROOT, sha256, type KeyEvent, type TypingSession } from "../sessions/record";

export const log = (message: string) => process.stderr.write(`${message}\n`);

export interface Place {
  span: number;
  uri: string;
  file: string;
  fileLines: number;
  line: number;
  character: number;
  removed: string;
  readMs: number;
  keys: KeyEvent[];
}

/** The recorded session (--session, or the default), or one recorded now from --files. */
export function loadSession(options: { session?: string; files?: string[] }): { session: TypingSession; source: string } {
  if (options.files && options.files.length > 0) {
    return { session: recordSession({ files: options.files, spansPerFile: 2, maxSpanChars: 50, seed: 20240611 }), source: `recorded now from ${options.files.join(", ")}` };
  }
  const file = path.resolve(options.session ?? DEFAULT_SESSION);
  return { session: JSON.parse(readFileSync(file, "utf8")) as TypingSession, source: path.relative(REPO_ROOT, file) };
}

/** The session's spans as places in the files, checked against the files on disk, cut to `limit` keys. */
export function placesOf(session: TypingSession, limit: number): { places: Place[]; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  const places: Place[] = [];
  let keys = 0;
  for (const [index, span] of session.spans.entries()) {
    if (keys >= limit) break;
    const ref = session.files[span.file];
    if (!ref) throw new Error(`span ${index} names file ${span.file}, which the session does not list`);
    const absolute = path.resolve(REPO_ROOT, ref.path);
    const uri = pathToFileURL(absolute).href;
    if (!texts.has(uri)) {
      const text = readFileSync(absolute, "utf8");
      if (sha256(text) !== ref.sha256) log(`warning: ${ref.path} differs from the recorded file (sha256); spans are checked one by one.`);
      texts.set(uri, text);
    }
    const text = texts.get(uri)!;
    const document = TextDocument.create(uri, "javascript", 0, text);
    const offset = document.offsetAt({ line: span.line, character: span.character });
    if (text.slice(offset, offset + span.text.length) !== span.text) {
      throw new Error(`span ${index} no longer matches ${ref.path}:${span.line + 1}:${span.character + 1}; record the session again (bench/sessions/record.ts).`);
    }
    const taken = span.keys.slice(0, limit - keys);
    // Never stop on a typo whose Backspace was cut off.
    const cutAt = span.keys[taken.length];
    if (cutAt !== undefined && "backspace" in cutAt) taken.pop();
    keys += taken.length;
    places.push({ span: index, uri, file: ref.path, fileLines: lineCount(text), line: span.line, character: span.character, removed: span.text, readMs: span.readMs, keys: taken });
    if (taken.length < span.keys.length) break; // --keys ends here
  }
  return { places, texts };
}
