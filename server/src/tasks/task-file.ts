// Parses a `.pincer.md` task file: YAML front matter (with the `yaml` package, whose node ranges
// place each problem on the exact text) and the prompt body with its `{{...}}` placeholders.
// Offsets are UTF-16 offsets into the whole file, so the LSP layer can turn them into positions.
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { TASK_CONTEXT_KINDS, TASK_KEYS, type TaskContextKind } from "./task-schema";

export interface TaskInput {
  name: string;
  description?: string;
  default?: string;
}

export interface TaskDefinition {
  name: string;
  description: string;
  inputs: TaskInput[];
  context: TaskContextKind[];
  edit: boolean;
  body: string;
}

export interface TaskProblem {
  start: number;
  end: number;
  severity: "error" | "warning";
  message: string;
}

export interface Placeholder {
  /** Text between the braces, trimmed ("selection", "input:audience"). */
  name: string;
  start: number;
  end: number;
}

export interface ParsedTaskFile {
  /** Undefined when the file has errors that leave no usable task. */
  task: TaskDefinition | undefined;
  problems: TaskProblem[];
  /** Where the front matter's YAML text lies ([start, end) offsets); undefined without front matter. */
  frontMatter: { start: number; end: number } | undefined;
  bodyStart: number;
  placeholders: Placeholder[];
  /** Each top-level key with its range, for hover. */
  keys: { key: string; start: number; end: number }[];
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)(?:^|\r?\n)---[ \t]*(?:\r?\n|$)/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Task files are prompts: larger ones are not parsed (a 10 MB file blocked the server for over a minute). */
export const MAX_TASK_FILE_CHARS = 256 * 1024;

export function parseTaskFile(text: string): ParsedTaskFile {
  const problems: TaskProblem[] = [];
  const keys: ParsedTaskFile["keys"] = [];
  if (text.length > MAX_TASK_FILE_CHARS) {
    const firstLine = text.indexOf("\n");
    problems.push({
      start: 0,
      end: firstLine === -1 ? Math.min(text.length, 3) : firstLine,
      severity: "error",
      message: `This task file is ${Math.round(text.length / 1024)} KiB, larger than 256 KiB: it is not read as a task.`,
    });
    return { task: undefined, problems, frontMatter: undefined, bodyStart: 0, placeholders: [], keys };
  }
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    problems.push({ start: 0, end: Math.min(text.indexOf("\n") >>> 0, text.length), severity: "error", message: "A task file starts with front matter between two `---` lines (name, description, inputs, context, edit)." });
    return { task: undefined, problems, frontMatter: undefined, bodyStart: 0, placeholders: findPlaceholders(text, 0), keys };
  }
  const yamlStart = match[0].indexOf("\n") + 1;
  const yamlText = match[1]!;
  const bodyStart = match[0].length;
  const at = (range: readonly number[] | null | undefined): { start: number; end: number } =>
    range ? { start: yamlStart + range[0]!, end: yamlStart + range[1]! } : { start: 0, end: 3 };

  const doc = parseDocument(yamlText, { prettyErrors: false });
  for (const error of doc.errors) {
    problems.push({ start: yamlStart + error.pos[0], end: yamlStart + Math.max(error.pos[1], error.pos[0] + 1), severity: "error", message: `YAML: ${error.message.split("\n")[0]}` });
  }
  const task: TaskDefinition = { name: "", description: "", inputs: [], context: ["selection"], edit: false, body: text.slice(bodyStart) };
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    problems.push({ ...at((contents as Node).range), severity: "error", message: "The front matter must be a set of `key: value` lines." });
  }
  const pairs: Pair[] = isMap(contents) ? (contents.items as Pair[]) : [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : "";
    const keyRange = at(keyNode?.range);
    keys.push({ key, ...keyRange });
    const spec = TASK_KEYS.find((k) => k.key === key);
    if (!spec) {
      problems.push({ ...keyRange, severity: "warning", message: `Unknown key "${key}". Known keys: ${TASK_KEYS.map((k) => k.key).join(", ")}.` });
      continue;
    }
    if (seen.has(key)) problems.push({ ...keyRange, severity: "error", message: `"${key}" is given twice.` });
    seen.add(key);
    const value = pair.value as Node | null;
    const valueRange = value?.range ? at(value.range) : keyRange;
    const fail = (message: string) => problems.push({ ...valueRange, severity: "error", message });
    switch (key) {
      case "name":
      case "description": {
        const text = isScalar(value) && value.value !== null ? String(value.value).trim() : "";
        if (!isScalar(value) || typeof value.value === "object" || text === "") fail(`"${key}" takes a line of text.`);
        else task[key] = text;
        break;
      }
      case "edit":
        if (isScalar(value) && typeof value.value === "boolean") task.edit = value.value;
        else fail(`"edit" takes true or false.`);
        break;
      case "context": {
        const items = isSeq(value) ? value.items : isScalar(value) ? [value] : undefined;
        if (!items) {
          fail(`"context" takes a list of: ${TASK_CONTEXT_KINDS.join(", ")}.`);
          break;
        }
        task.context = [];
        for (const item of items as Node[]) {
          const kind = isScalar(item) ? String(item.value) : "";
          if ((TASK_CONTEXT_KINDS as readonly string[]).includes(kind)) task.context.push(kind as TaskContextKind);
          else problems.push({ ...at(item?.range), severity: "error", message: `Unknown context "${kind}"; use ${TASK_CONTEXT_KINDS.join(" or ")}.` });
        }
        break;
      }
      case "inputs":
        task.inputs = parseInputs(value, at, problems, valueRange);
        break;
    }
  }
  if (!seen.has("name")) problems.push({ start: 0, end: 3, severity: "error", message: 'The front matter needs a "name".' });

  const placeholders = findPlaceholders(text, bodyStart);
  const inputNames = new Set(task.inputs.map((input) => input.name));
  for (const placeholder of placeholders) {
    const problem = placeholderProblem(placeholder.name, inputNames);
    if (problem) problems.push({ start: placeholder.start, end: placeholder.end, severity: "error", message: problem });
  }
  if (task.body.trim() === "") problems.push({ start: Math.max(0, bodyStart - 4), end: bodyStart, severity: "error", message: "The prompt after the front matter is empty." });

  const usable = !problems.some((p) => p.severity === "error");
  return { task: usable ? task : undefined, problems, frontMatter: { start: yamlStart, end: yamlStart + yamlText.length }, bodyStart, placeholders, keys };
}

function parseInputs(
  value: Node | null,
  at: (range: readonly number[] | null | undefined) => { start: number; end: number },
  problems: TaskProblem[],
  valueRange: { start: number; end: number },
): TaskInput[] {
  if (!isSeq(value)) {
    problems.push({ ...valueRange, severity: "error", message: '"inputs" takes a list of names or { name, description, default } items.' });
    return [];
  }
  const inputs: TaskInput[] = [];
  for (const item of value.items as Node[]) {
    let input: TaskInput | undefined;
    if (isScalar(item) && typeof item.value === "string") input = { name: item.value.trim() };
    else if (isMap(item)) {
      const json = item.toJSON() as Record<string, unknown>;
      const unknown = Object.keys(json).filter((k) => !["name", "description", "default"].includes(k));
      if (unknown.length) problems.push({ ...at(item.range), severity: "warning", message: `Unknown input field(s): ${unknown.join(", ")}; inputs take name, description, default.` });
      if (typeof json.name === "string") {
        input = { name: json.name.trim() };
        if (json.description !== undefined) input.description = String(json.description);
        if (json.default !== undefined && json.default !== null) input.default = String(json.default);
      }
    }
    if (!input || !/^[A-Za-z_][\w-]*$/.test(input.name)) {
      problems.push({ ...at(item?.range), severity: "error", message: "An input needs a name of letters, digits, _ or - (e.g. `audience`)." });
      continue;
    }
    if (inputs.some((i) => i.name === input!.name)) problems.push({ ...at(item.range), severity: "error", message: `Input "${input.name}" is declared twice.` });
    inputs.push(input);
  }
  return inputs;
}

function findPlaceholders(text: string, from: number): Placeholder[] {
  const found: Placeholder[] = [];
  PLACEHOLDER.lastIndex = from;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text)) found.push({ name: m[1]!, start: m.index, end: m.index + m[0].length });
  return found;
}

function placeholderProblem(name: string, inputs: ReadonlySet<string>): string | undefined {
  if (name === "selection" || name === "file") return undefined;
  if (name.startsWith("input:")) {
    const input = name.slice("input:".length).trim();
    return inputs.has(input) ? undefined : `No input named "${input}" is declared under "inputs".`;
  }
  return `Unknown placeholder {{${name}}}; use {{selection}}, {{file}} or {{input:NAME}}.`;
}
