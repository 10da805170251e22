// A run's id: its start time (UTC, to the second) and 8 random hex digits, e.g. 20250101T120000-1a2b3c4d.
// Checkpoint refs, transcripts and `pincer undo RUN_ID` all name runs by it.
import { randomUUID } from "node:crypto";

export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomUUID().slice(0, 8)}`;
}
