// Grammar source: @vscode/tree-sitter-wasm 0.3.1 (the grammars VS Code itself ships, built with
// tree-sitter 0.25: ABI 14/15, current grammar releases, no dependencies, no install script) for
// 14 languages, plus tree-sitter-c and tree-sitter-json for the two it lacks (they ship a .wasm
// beside native prebuilds that we never load). All load in web-tree-sitter 0.27.1, versions pinned.
// Rejected: tree-sitter-wasms (0.20-era grammars; none load in web-tree-sitter >= 0.26),
// @cursorless/tree-sitter-wasms (44 MB, old Rust and C# grammars that misparse let-else, C# 12),
// @repomix/tree-sitter-wasms (no bash, no json).
//
// Paths are resolved at run time through Node's resolver from this module's URL, so they work
// both from source (tsx, mocha) and from the esbuild bundle dist/server/main.mjs, whose
// node_modules/ sits at the extension root inside the .vsix.
import { createRequire } from "node:module";
import path from "node:path";

export type GrammarId =
  | "typescript"
  | "tsx"
  | "javascript"
  | "python"
  | "go"
  | "rust"
  | "java"
  | "c"
  | "cpp"
  | "c_sharp"
  | "ruby"
  | "php"
  | "bash"
  | "json"
  | "css"
  | "powershell"
  | "ini";

interface GrammarFile {
  /** npm package that ships the .wasm. */
  pkg: string;
  /** Path of the .wasm inside that package. */
  file: string;
}

const VSCODE = "@vscode/tree-sitter-wasm";

export const GRAMMAR_FILES: Readonly<Record<GrammarId, GrammarFile>> = {
  typescript: { pkg: VSCODE, file: "wasm/tree-sitter-typescript.wasm" },
  tsx: { pkg: VSCODE, file: "wasm/tree-sitter-tsx.wasm" },
  javascript: { pkg: VSCODE, file: "wasm/tree-sitter-javascript.wasm" },
  python: { pkg: VSCODE, file: "wasm/tree-sitter-python.wasm" },
  go: { pkg: VSCODE, file: "wasm/tree-sitter-go.wasm" },
  rust: { pkg: VSCODE, file: "wasm/tree-sitter-rust.wasm" },
  java: { pkg: VSCODE, file: "wasm/tree-sitter-java.wasm" },
  c: { pkg: "tree-sitter-c", file: "tree-sitter-c.wasm" },
  cpp: { pkg: VSCODE, file: "wasm/tree-sitter-cpp.wasm" },
  c_sharp: { pkg: VSCODE, file: "wasm/tree-sitter-c-sharp.wasm" },
  ruby: { pkg: VSCODE, file: "wasm/tree-sitter-ruby.wasm" },
  php: { pkg: VSCODE, file: "wasm/tree-sitter-php.wasm" },
  bash: { pkg: VSCODE, file: "wasm/tree-sitter-bash.wasm" },
  json: { pkg: "tree-sitter-json", file: "tree-sitter-json.wasm" },
  css: { pkg: VSCODE, file: "wasm/tree-sitter-css.wasm" },
  powershell: { pkg: VSCODE, file: "wasm/tree-sitter-powershell.wasm" },
  ini: { pkg: VSCODE, file: "wasm/tree-sitter-ini.wasm" },
};

/** VS Code languageId → grammar. JSX lives in the JavaScript grammar; TSX needs its own. */
const BY_LANGUAGE_ID: Readonly<Record<string, GrammarId>> = {
  typescript: "typescript",
  typescriptreact: "tsx",
  javascript: "javascript",
  javascriptreact: "javascript",
  python: "python",
  go: "go",
  rust: "rust",
  java: "java",
  c: "c",
  cpp: "cpp",
  "cuda-cpp": "cpp",
  csharp: "c_sharp",
  ruby: "ruby",
  php: "php",
  shellscript: "bash",
  json: "json",
  // tree-sitter-json accepts comments, so JSON with comments parses too.
  jsonc: "json",
  css: "css",
  powershell: "powershell",
  ini: "ini",
};

/** File extension (lower case, with the dot) → grammar, for callers that only have a path (CLI, index). */
const BY_EXTENSION: Readonly<Record<string, GrammarId>> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".py": "python",
  ".pyi": "python",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".c": "c",
  // .h is ambiguous; C is the safer parse (C++ keywords such as `class` are plain identifiers in C).
  ".h": "c",
  ".cc": "cpp",
  ".cpp": "cpp",
  ".cxx": "cpp",
  ".c++": "cpp",
  ".hh": "cpp",
  ".hpp": "cpp",
  ".hxx": "cpp",
  ".cu": "cpp",
  ".cs": "c_sharp",
  ".rb": "ruby",
  ".rake": "ruby",
  ".gemspec": "ruby",
  ".php": "php",
  ".sh": "bash",
  ".bash": "bash",
  ".zsh": "bash",
  ".json": "json",
  ".jsonc": "json",
  ".css": "css",
  ".ps1": "powershell",
  ".psm1": "powershell",
  ".psd1": "powershell",
  ".ini": "ini",
};

/** The grammar for a VS Code languageId, or undefined when Pincer has none. */
export function grammarForLanguageId(languageId: string): GrammarId | undefined {
  return Object.hasOwn(BY_LANGUAGE_ID, languageId) ? BY_LANGUAGE_ID[languageId] : undefined;
}

/** The grammar for a file path by its extension, or undefined. */
export function grammarForPath(filePath: string): GrammarId | undefined {
  const ext = path.extname(filePath).toLowerCase();
  return Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
}

/**
 * The editor's language id for a file path (the first language id its grammar serves), for hosts
 * that only have a path (the CLI); "plaintext" when no grammar covers it.
 */
export function languageIdForPath(filePath: string): string {
  const grammar = grammarForPath(filePath);
  return Object.keys(BY_LANGUAGE_ID).find((id) => BY_LANGUAGE_ID[id] === grammar) ?? "plaintext";
}

/**
 * Accepts a languageId, or a grammar id itself (so callers holding a GrammarId can pass it
 * through the same functions).
 */
export function resolveGrammarId(languageIdOrGrammar: string): GrammarId | undefined {
  if (Object.hasOwn(GRAMMAR_FILES, languageIdOrGrammar)) return languageIdOrGrammar as GrammarId;
  return grammarForLanguageId(languageIdOrGrammar);
}

export function supportedLanguageIds(): string[] {
  return Object.keys(BY_LANGUAGE_ID);
}

// Resolved from this module's URL: in the bundle that is dist/server/main.mjs, so Node walks up
// to <extension>/node_modules. Only package.json and the .wasm files need to be there.
const requireFromHere = createRequire(import.meta.url);

/** Absolute path of a grammar's .wasm file. Throws if the package is not installed. */
export function grammarWasmPath(grammar: GrammarId): string {
  const { pkg, file } = GRAMMAR_FILES[grammar];
  return path.join(path.dirname(requireFromHere.resolve(`${pkg}/package.json`)), file);
}

/**
 * Absolute path of web-tree-sitter's runtime .wasm, for Parser.init({ locateFile }). Needed
 * because the bundled JS would otherwise look for it beside dist/server/main.mjs. The package's
 * "exports" lists the .wasm but not package.json, so resolve the .wasm itself.
 */
export function runtimeWasmPath(): string {
  return requireFromHere.resolve("web-tree-sitter/web-tree-sitter.wasm");
}
