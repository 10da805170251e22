// bench/next-edit: replay generated refactorings (bench/next-edit/cases.ts) through the next-edit
// service (server/src/next-edit), the code behind the editor's suggestions: the person's first edit
// goes into the edit history, a suggestion is asked at the cursor, and it is applied. Exact match:
// the file after the suggestion equals the expected file. Latency: request to answer, p50/p95.
// Prompt tokens: the whole prompt and the part evaluated (the rest came from the KV cache).
//
// Usage: node --import tsx bench/next-edit.ts [--model random|gemma3-270m|qwen2.5-coder-0.5b|PATH ...]
//   [--format auto|zeta|sweep|generic] [--threads 1] [--max-tokens 160] [--verbose]
// No model trained for next edits is reachable offline; the real models here are general ones
// (the fallback prompt), the random model measures mechanics only.
import { parseArgs } from "node:util";
import { Engine } from "../server/src/engine/engine";
import { EditHistory } from "../server/src/next-edit/edit-history";
import { applySuggestion } from "../server/src/next-edit/editable-window";
import { NextEditService } from "../server/src/next-edit/next-edit-service";
import { DEFAULT_SETTINGS, NEXT_EDIT_FORMATS, type NextEditFormatSetting, type PincerSettings } from "../server/src/protocol/settings";
import { realModel, TEST_MODEL_PATH, type RealModelId } from "../test/support/test-model";
import { nextEditCases } from "./next-edit/cases";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: "string", multiple: true, default: ["random", "gemma3-270m", "qwen2.5-coder-0.5b"] },
    format: { type: "string", default: "auto" },
    threads: { type: "string", default: "1" },
    "max-tokens": { type: "string", default: "160" },
    verbose: { type: "boolean", default: false },
  },
});
if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(" ")}`);
const format = values.format as NextEditFormatSetting;
if (!NEXT_EDIT_FORMATS.includes(format)) throw new Error(`--format must be one of ${NEXT_EDIT_FORMATS.join(", ")}`);

function modelPath(id: string): string {
  if (id === "random") return TEST_MODEL_PATH;
  if (id === "gemma3-270m" || id === "qwen2.5-coder-0.5b") return realModel(id as RealModelId).path;
  return id;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const settings: PincerSettings = { ...DEFAULT_SETTINGS, nextEdit: { ...DEFAULT_SETTINGS.nextEdit, enabled: true, format, maxTokens: Number(values["max-tokens"]) } };
const cases = nextEditCases();
console.log(`bench/next-edit: ${cases.length} generated refactorings, format ${format}, ${values.threads} thread(s), up to ${values["max-tokens"]} tokens per answer`);
console.log("| model | family | exact match | by kind (rename/field/type) | no edit | p50 ms | p95 ms | prompt tokens (mean) | evaluated (mean) |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const id of values.model) {
  const engine = await Engine.load({
    modelPath: modelPath(id),
    slots: ["nextEdit"],
    settings: { ...DEFAULT_SETTINGS, gpu: "off", gpuLayers: 0, threads: Number(values.threads), contextSize: 4096 },
    log: () => undefined,
    signal: new AbortController().signal,
  });
  const times: number[] = [];
  const prompt: number[] = [];
  const evaluated: number[] = [];
  const byKind = new Map<string, number>();
  let exact = 0;
  let none = 0;
  let family = "";
  for (const c of cases) {
    const history = new EditHistory();
    const uri = `file:///ws/${c.path}`;
    history.open(uri, c.original);
    history.change(uri, c.edited);
    const service = new NextEditService({ settings: () => settings, engine: async () => engine, workspaceFolders: () => ["/ws"], history, openDocuments: () => [] });
    const started = performance.now();
    const result = await service.suggest({ uri, languageId: c.languageId, text: c.edited }, c.cursor, new AbortController().signal);
    times.push(performance.now() - started);
    family = result.stats?.family ?? family;
    prompt.push(result.stats?.promptTokens ?? 0);
    evaluated.push(result.stats?.evaluatedPromptTokens ?? 0);
    const after = result.suggestion ? applySuggestion(c.edited, result.suggestion) : c.edited;
    if (!result.suggestion) none++;
    const hit = after === c.expected;
    if (hit) {
      exact++;
      byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
    }
    if (values.verbose) console.error(`${id} ${c.name}: ${hit ? "exact" : result.suggestion ? `other: ${JSON.stringify(result.suggestion.text)}` : `none (${result.reason})`} ${Math.round(times.at(-1)!)} ms`);
  }
  await engine.dispose();
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const kinds = ["rename-parameter", "add-field", "change-type"].map((k) => byKind.get(k) ?? 0).join("/");
  console.log(`| ${id} | ${family} | ${exact}/${cases.length} | ${kinds} | ${none} | ${Math.round(percentile(times, 50))} | ${Math.round(percentile(times, 95))} | ${mean(prompt)} | ${mean(evaluated)} |`);
}
