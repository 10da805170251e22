// Generated refactorings for bench/next-edit: each case is a file before any edit, the person's first
// edit, and the file after the related edit that should follow (the expected suggestion). Three
// kinds, each over several name sets: rename a parameter (its uses follow), add a field (the
// constructor follows), change a type (the function's other types follow).

export interface NextEditCase {
  name: string;
  kind: "rename-parameter" | "add-field" | "change-type";
  path: string;
  languageId: string;
  /** The file before, after the person's edit, and after the expected next edit. */
  original: string;
  edited: string;
  expected: string;
  /** Offset in `edited` where the cursor is after the person's edit. */
  cursor: number;
}

const NAMES: readonly { fn: string; from: string; to: string; other: string; cls: string; field: string; type: string }[] = [
  { fn: "area", from: "w", to: "width", other: "h", cls: "Point", field: "z", type: "number" },
  { fn: "scale", from: "f", to: "factor", other: "v", cls: "User", field: "email", type: "string" },
  { fn: "clamp", from: "n", to: "value", other: "max", cls: "Order", field: "total", type: "number" },
  { fn: "greet", from: "s", to: "name", other: "prefix", cls: "Config", field: "verbose", type: "boolean" },
  { fn: "shift", from: "d", to: "delta", other: "base", cls: "Range", field: "step", type: "number" },
];

function renameParameter(n: (typeof NAMES)[number]): NextEditCase {
  const body = (p: string) => `export function ${n.fn}(${p}: number, ${n.other}: number): number {\n  const doubled = ${p} * 2;\n  console.log("${n.fn}", ${p});\n  return doubled + ${n.other};\n}\n`;
  const header = `// ${n.fn}.ts\nimport { log } from "./log";\n\n`;
  const original = header + body(n.from);
  const edited = original.replace(`${n.fn}(${n.from}:`, `${n.fn}(${n.to}:`);
  return { name: `rename ${n.from}→${n.to}`, kind: "rename-parameter", path: `src/${n.fn}.ts`, languageId: "typescript", original, edited, expected: header + body(n.to), cursor: edited.indexOf(`${n.to}:`) + n.to.length };
}

function addField(n: (typeof NAMES)[number]): NextEditCase {
  const make = (field: boolean, ctor: boolean) =>
    `export class ${n.cls} {\n  id: string;\n  label: string;\n${field ? `  ${n.field}: ${n.type};\n` : ""}\n  constructor(id: string, label: string${ctor ? `, ${n.field}: ${n.type}` : ""}) {\n    this.id = id;\n    this.label = label;\n${ctor ? `    this.${n.field} = ${n.field};\n` : ""}  }\n}\n`;
  const edited = make(true, false);
  return { name: `add field ${n.cls}.${n.field}`, kind: "add-field", path: `src/${n.cls.toLowerCase()}.ts`, languageId: "typescript", original: make(false, false), edited, expected: make(true, true), cursor: edited.indexOf(`${n.field}: ${n.type};`) + `${n.field}: ${n.type};`.length };
}

function changeType(n: (typeof NAMES)[number]): NextEditCase {
  const make = (param: string, result: string) =>
    `export function sum${n.cls}(items: ${param}[]): ${result} {\n  let total: ${result} = 0 as ${result};\n  for (const item of items) total += item;\n  return total;\n}\n`;
  const edited = make("bigint", "number");
  return { name: `change type in sum${n.cls}`, kind: "change-type", path: `src/sum-${n.cls.toLowerCase()}.ts`, languageId: "typescript", original: make("number", "number"), edited, expected: make("bigint", "bigint"), cursor: edited.indexOf("bigint[]") + "bigint".length };
}

export function nextEditCases(): NextEditCase[] {
  return NAMES.flatMap((n) => [renameParameter(n), addField(n), changeType(n)]);
}
