// Regions the user edited recently, across files: what someone just changed is the best predictor
// of what they will type next. Kept as line ranges per document and read out as snippets of the
// document's current text, so an edit that was later undone shows its current state.
export interface EditedRegion {
  uri: string;
  startLine: number;
  endLine: number;
  at: number;
}

const MAX_REGIONS = 16;
/** Lines of surrounding code shown with each edited region. */
const MARGIN = 3;

export class RecentEdits {
  private regions: EditedRegion[] = [];

  /** Record an edit touching lines [startLine, endLine] (0-based) of a document. */
  record(uri: string, startLine: number, endLine: number, at: number = Date.now()): void {
    const merged = this.regions.find((r) => r.uri === uri && startLine <= r.endLine + MARGIN && endLine >= r.startLine - MARGIN);
    if (merged) {
      merged.startLine = Math.min(merged.startLine, startLine);
      merged.endLine = Math.max(merged.endLine, endLine);
      merged.at = at;
    } else {
      this.regions.push({ uri, startLine, endLine, at });
      if (this.regions.length > MAX_REGIONS) this.regions.shift();
    }
    this.regions.sort((a, b) => a.at - b.at);
  }

  forget(uri: string): void {
    this.regions = this.regions.filter((r) => r.uri !== uri);
  }

  /**
   * Snippets of recent edits, newest first, skipping regions within `skip` lines of the cursor in
   * its own document (the prompt already shows those).
   */
  snippets(textOf: (uri: string) => string | undefined, cursor: { uri: string; line: number; skip: number }, limit = 4): { uri: string; text: string }[] {
    const out: { uri: string; text: string }[] = [];
    for (const region of [...this.regions].reverse()) {
      if (out.length >= limit) break;
      if (region.uri === cursor.uri && region.endLine >= cursor.line - cursor.skip && region.startLine <= cursor.line + cursor.skip) continue;
      const text = textOf(region.uri);
      if (text === undefined) continue;
      const lines = text.split("\n");
      const from = Math.max(0, region.startLine - MARGIN);
      const to = Math.min(lines.length, region.endLine + MARGIN + 1);
      if (from >= to) continue;
      out.push({ uri: region.uri, text: lines.slice(from, to).join("\n") });
    }
    return out;
  }
}
