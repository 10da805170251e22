// bench/completion: the replay, the same for both targets (Pincer over LSP, the node-llama-cpp
// baseline). Keys are sent at their recorded times on the wall clock; a key that comes while the
// previous request is in flight cancels it and sends a new one, as VS Code does. The first request
// at each place (the jump) and the one in flight after a span's last key are allowed to finish; typing
// starts the place's read time after the first answer there.
import type { CompletionStat } from "../../server/src/protocol";
import { TextDocument, type Range } from "vscode-languageserver-textdocument";
import { log, type Place } from "./session";

/** The settings both targets run with (the CLI flags). */
export interface BenchOptions {
  /** Pincer's threads setting; the baseline takes a number ("auto" runs it on 1). */
  threads: number | "auto";
  /** Pincer's pincer.completion.firstSuggestionMs (0: no time budget). */
  firstSuggestionMs: number;
  contextSize: number;
  maxTokens: number;
  maxLines: number;
  /** Client-side debounce: a key followed by another within it sends no request. */
  debounceMs: number;
}

export interface Answer {
  cancelled: boolean;
  text: string;
  /** Baseline only: measured in-process. */
  evaluatedPromptTokens?: number;
  reusedTokens?: number;
  modelMs?: number;
  /** Baseline only: time waiting behind the replaced request's generation before reaching the model. */
  queuedMs?: number;
  /** Where an in-process answer came from when not from the model ("cache": llama.vscode's result cache). */
  source?: string;
}

export interface Target {
  name: string;
  /** The document changed to `document` by replacing `range` (in the text before) with `text`. */
  change(place: Place, document: TextDocument, change: { range: Range; text: string }): void;
  /** Ask for a suggestion at `offset` (the cursor) in `document`. */
  request(place: Place, document: TextDocument, offset: number, signal: AbortSignal): Promise<Answer>;
}

export interface RequestRow {
  index: number;
  kind: "relayout" | "key";
  span: number;
  uri: string;
  file: string;
  fileLines: number;
  key: number;
  sentAt: number;
  answeredAt?: number;
  latencyMs?: number;
  clientCancelled: boolean;
  answer?: Answer;
  /** The order its answer arrived in (pairs it with the server's stats). */
  arrival?: number;
  stat?: CompletionStat;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function replay(target: Target, places: Place[], texts: Map<string, string>, debounceMs: number): Promise<RequestRow[]> {
  const rows: RequestRow[] = [];
  const documents = new Map<string, TextDocument>();
  for (const [uri, text] of texts) documents.set(uri, TextDocument.create(uri, "javascript", 1, text));
  let inFlight: { row: RequestRow; controller: AbortController; done: Promise<void> } | undefined;
  let arrivals = 0;
  const t0 = performance.now();

  const cancelInFlight = () => {
    if (inFlight && inFlight.row.answeredAt === undefined) {
      inFlight.row.clientCancelled = true;
      inFlight.controller.abort();
    }
  };

  const send = (place: Place, document: TextDocument, offset: number, kind: RequestRow["kind"], key: number) => {
    cancelInFlight();
    const row: RequestRow = { index: rows.length, kind, span: place.span, uri: place.uri, file: place.file, fileLines: place.fileLines, key, sentAt: performance.now() - t0, clientCancelled: false };
    rows.push(row);
    const controller = new AbortController();
    const done = target.request(place, document, offset, controller.signal).then(
      (answer) => {
        row.answeredAt = performance.now() - t0;
        row.latencyMs = row.answeredAt - row.sentAt;
        row.answer = answer;
        row.arrival = arrivals++;
      },
      (error: unknown) => {
        row.answeredAt = performance.now() - t0;
        row.arrival = arrivals++;
        row.answer = { cancelled: true, text: "" };
        log(`${target.name}: request ${row.index} failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    inFlight = { row, controller, done };
    return inFlight;
  };

  const edit = (place: Place, document: TextDocument, offset: number, deleteCount: number, insert: string): TextDocument => {
    const range = { start: document.positionAt(offset), end: document.positionAt(offset + deleteCount) };
    const next = TextDocument.update(document, [{ range, text: insert }], document.version + 1);
    documents.set(place.uri, next);
    target.change(place, next, { range, text: insert });
    return next;
  };

  for (const place of places) {
    let document = documents.get(place.uri)!;
    let cursor = document.offsetAt({ line: place.line, character: place.character });
    // The jump: remove the span, ask once at the new place and let that request finish.
    document = edit(place, document, cursor, place.removed.length, "");
    const jump = send(place, document, cursor, "relayout", -1);
    await jump.done;
    // The person reads the first suggestion (and the code around it) before typing: the same pause for
    // every target, from the moment its answer arrived.
    let due = performance.now() + place.readMs;
    let typed = "";
    for (const [k, key] of place.keys.entries()) {
      due += k === 0 ? 0 : key.dt;
      await sleep(due - performance.now());
      if ("type" in key) {
        document = edit(place, document, cursor, 0, key.type);
        cursor += key.type.length;
        typed += key.type;
      } else {
        document = edit(place, document, cursor - 1, 1, "");
        cursor -= 1;
        typed = typed.slice(0, -1);
      }
      // VS Code cancels the request in flight as soon as the document changes.
      cancelInFlight();
      // With a debounce, a key followed by another within it sends no request (Pincer's client waits debounceMs).
      const next = place.keys[k + 1];
      if (debounceMs > 0 && next !== undefined && next.dt < debounceMs) continue;
      if (debounceMs > 0) await sleep(debounceMs);
      send(place, document, cursor, "key", k);
    }
    // The user stops at the end of the span and reads the suggestion before moving on.
    await inFlight?.done;
    if (place.keys.length > 0 && typed !== place.removed.slice(0, typed.length)) throw new Error(`replay typed ${JSON.stringify(typed)} for span ${place.span}`);
    // Put back whatever of the span --keys left untyped, so the file is whole for the next place.
    if (typed.length < place.removed.length) document = edit(place, document, cursor, 0, place.removed.slice(typed.length));
    if (document.getText() !== texts.get(place.uri)) throw new Error(`span ${place.span}: the replayed document differs from the file`);
  }
  await inFlight?.done;
  return rows;
}
