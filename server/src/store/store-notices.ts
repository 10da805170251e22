// Problems the stores find that a person must hear about (a damaged file kept aside), whichever
// host runs: the LSP server shows them as warnings, the CLI prints them on stderr. Stores report
// here instead of taking a logger, because callers such as the approval store build them deep
// inside feature code.

export interface StoreNotice {
  /** The store file concerned. */
  file: string;
  message: string;
}

type Listener = (notice: StoreNotice) => void;

const listeners = new Set<Listener>();

/** Subscribes; returns the unsubscribe function. */
export function onStoreNotice(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener; with none (a library use), stderr. */
export function reportStoreNotice(notice: StoreNotice): void {
  if (listeners.size === 0) {
    process.stderr.write(`[pincer warn] ${notice.message}\n`);
    return;
  }
  for (const listener of [...listeners]) listener(notice);
}
