// What a task file may say: the front-matter keys and the prompt placeholders, with the docs that
// completion and hover show. One table, so validation, completion and hover cannot disagree.

export type TaskContextKind = "selection" | "file";
export const TASK_CONTEXT_KINDS: readonly TaskContextKind[] = ["selection", "file"];

export interface KeyDoc {
  key: string;
  required: boolean;
  /** One line for completion lists. */
  summary: string;
  /** Markdown for hover. */
  markdown: string;
  /** Text inserted after `key: ` when completed. */
  snippet: string;
}

export const TASK_KEYS: readonly KeyDoc[] = [
  {
    key: "name",
    required: true,
    summary: "Name shown in Pincer: Run Task…",
    markdown: "**name** (required, text): the name shown in *Pincer: Run Task…* and accepted by `pincer chat --task`.",
    snippet: "",
  },
  {
    key: "description",
    required: false,
    summary: "One line shown under the name",
    markdown: "**description** (text): one line shown under the name in the quick pick.",
    snippet: "",
  },
  {
    key: "inputs",
    required: false,
    summary: "Values asked for before the task runs",
    markdown:
      "**inputs** (list): values asked for before the task runs, used as `{{input:NAME}}`. Each item is a name, or `{ name, description, default }`.",
    snippet: "\n  - name: ",
  },
  {
    key: "context",
    required: false,
    summary: "Context to attach: selection, file",
    markdown: "**context** (list of `selection`, `file`): what the task attaches to the chat as context chips. Default: `[selection]`.",
    snippet: "[selection]",
  },
  {
    key: "edit",
    required: false,
    summary: "true: propose an edit of the selection (or file) for review",
    markdown:
      "**edit** (`true`/`false`, default `false`): `true` turns the answer into a proposed change of the selection (or the whole file when nothing is selected), shown as a diff to accept or reject. `false` answers in the chat.",
    snippet: "true",
  },
];

export interface PlaceholderDoc {
  /** As written between the braces; `input:` takes a name after it. */
  name: string;
  markdown: string;
}

export const TASK_PLACEHOLDERS: readonly PlaceholderDoc[] = [
  { name: "selection", markdown: "`{{selection}}`: the selected text in the active editor (empty when nothing is selected)." },
  { name: "file", markdown: "`{{file}}`: the whole text of the active editor's file." },
  { name: "input:", markdown: "`{{input:NAME}}`: the value given for the input `NAME` declared under `inputs`." },
];

export function keyDoc(key: string): KeyDoc | undefined {
  return TASK_KEYS.find((doc) => doc.key === key);
}
