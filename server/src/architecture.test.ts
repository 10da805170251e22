// The module boundaries from ARCHITECTURE.md, checked on the source so a stray import fails CI. One
// rank table says which way imports go: a folder imports only folders of a lower rank (and itself),
// so there are no cycles between folders and the two hosts never import each other.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serverSrc = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(serverSrc, "..", "..");
const clientSrc = path.join(repoRoot, "client", "src");

/**
 * Every folder of server/src and its rank. protocol is the leaf (the client bundles it too); the
 * hosts (lsp, cli) are on top; main.ts starts one of them.
 */
export const RANKS: Readonly<Record<string, number>> = {
  protocol: 0,
  platform: 1,
  engine: 2,
  index: 2,
  store: 3,
  models: 4,
  git: 4,
  ocr: 4,
  report: 4,
  host: 5,
  // Dictation: records with platform/, downloads its Whisper model with models/.
  voice: 5,
  // The codebase index: chunks with index/ grammars, embeds with engine/, finds the model with models/.
  codebase: 5,
  chat: 6,
  completion: 6,
  actions: 7,
  // Next-edit suggestions: tree-sitter context from index/, the path the model sees from completion/.
  "next-edit": 7,
  tasks: 8,
  mcp: 7,
  agent: 8,
  remote: 9,
  api: 9,
  lsp: 10,
  cli: 10,
  "main.ts": 11,
};

/** Folders below the hosts: no LSP, no VS Code, no knowledge of who called them. */
const DOMAIN = Object.keys(RANKS).filter((name) => RANKS[name]! < RANKS.lsp!);

function files(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "node_modules" ? [] : files(full, test);
    return test(name) ? [full] : [];
  });
}
const isSource = (name: string) => /\.ts$/.test(name) && !/\.test\.ts$/.test(name);
const sources = (dir: string) => files(dir, isSource);

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);
}

const rel = (file: string) => path.relative(serverSrc, file);
/** The server/src folder (or top-level file) a path lies in. */
const unitOf = (file: string) => rel(file).split(path.sep)[0]!;

describe("architecture invariants", () => {
  it("every server/src folder has a rank", () => {
    const units = readdirSync(serverSrc).filter((name) => !name.endsWith(".test.ts"));
    assert.deepEqual(units.filter((name) => RANKS[name] === undefined), []);
    assert.deepEqual(Object.keys(RANKS).filter((name) => !units.includes(name)), [], "no rank for a folder that is gone");
  });

  it("imports between server folders go down the rank table only", () => {
    const offenders: string[] = [];
    for (const file of sources(serverSrc)) {
      const from = unitOf(file);
      for (const specifier of imports(file).filter((i) => i.startsWith("."))) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!target.startsWith(serverSrc + path.sep)) {
          offenders.push(`${rel(file)} imports ${specifier}, outside server/src`);
          continue;
        }
        const to = unitOf(target);
        if (to === from || to === `${from}.ts`) continue;
        const toRank = RANKS[to] ?? RANKS[`${to}.ts`];
        if (toRank === undefined || toRank >= RANKS[from]!) offenders.push(`${rel(file)} (${from}, rank ${RANKS[from]}) imports ${to} (rank ${toRank})`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("protocol/ imports nothing but the JSON-RPC types", () => {
    const offenders = sources(path.join(serverSrc, "protocol")).filter((f) => imports(f).some((i) => !i.startsWith("./") && i !== "vscode-languageserver-protocol"));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("domain modules import neither vscode nor vscode-languageserver", () => {
    const offenders = sources(serverSrc)
      .filter((f) => DOMAIN.includes(unitOf(f)) && unitOf(f) !== "protocol")
      .filter((f) => imports(f).some((i) => i === "vscode" || i.startsWith("vscode-languageserver") || i.startsWith("vscode-jsonrpc")));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("only voice/whisper-engine.ts imports the Whisper binding", () => {
    const offenders = sources(serverSrc).filter((f) => rel(f) !== path.join("voice", "whisper-engine.ts") && imports(f).includes("@fugood/whisper.node"));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("only codebase/index-store.ts imports LanceDB and Arrow", () => {
    const offenders = sources(serverSrc).filter((f) => rel(f) !== path.join("codebase", "index-store.ts") && imports(f).some((i) => i.startsWith("@lancedb/") || i === "apache-arrow"));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("hosts use the codebase index only through its façade (codebase-service.ts) and its types", () => {
    const hosts = sources(serverSrc).filter((f) => !rel(f).startsWith(`codebase${path.sep}`));
    const allowed = /\/codebase\/(codebase-service|types)$/;
    const offenders = hosts.filter((f) => imports(f).some((i) => i.includes("/codebase/") && !allowed.test(i)));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("only engine/ imports node-llama-cpp, only ocr/ the OCR and image libraries", () => {
    const owners: Record<string, string[]> = { "node-llama-cpp": ["engine"], "tesseract.js": ["ocr"], "pdfjs-dist": ["ocr"], sharp: ["ocr", "report"], "@napi-rs/canvas": ["ocr"], "@fugood/whisper.node": ["voice"] };
    const offenders = sources(serverSrc).flatMap((f) =>
      imports(f)
        .map((i) => Object.keys(owners).find((pkg) => i === pkg || i.startsWith(`${pkg}/`)))
        .filter((pkg): pkg is string => pkg !== undefined && !owners[pkg]!.includes(unitOf(f)))
        .map((pkg) => `${rel(f)} imports ${pkg}`),
    );
    assert.deepEqual(offenders, []);
  });

  it("heavy libraries load on first use: no value import of them at the top of a module", () => {
    // Each costs megabytes of resident memory from the moment it is imported; the server and every CLI
    // command (pincer index too) would carry them all. Types may be imported; values through import().
    const heavy = ["vega", "vega-lite", "sharp", "pdfkit", "sql.js", "nodemailer", "pg", "@lancedb/lancedb", "apache-arrow", "tesseract.js", "pdfjs-dist", "@napi-rs/canvas", "@fugood/whisper.node"];
    const offenders = sources(serverSrc).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/^import\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gm)]
        .map((m) => m[1]!)
        .filter((i) => heavy.includes(i))
        .map((i) => `${rel(f)} imports ${i}`),
    );
    assert.deepEqual(offenders, []);
  });

  it("domain code takes a required cancellation signal (no optional one)", () => {
    // The frozen security suite workspace-git.security.test.ts calls these three without a signal.
    const allowed = new Set([path.join("git", "git-changes.ts"), path.join("chat", "git-diff.ts")]);
    const offenders = sources(serverSrc)
      .filter((f) => DOMAIN.includes(unitOf(f)) && !allowed.has(rel(f)))
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, index) => ({ line, index }))
          .filter(({ line }) => /\bsignal\?\s*:|AbortSignal \| undefined|signal\s*=\s*new AbortController/.test(line))
          .map(({ index }) => `${rel(f)}:${index + 1}`),
      );
    assert.deepEqual(offenders, []);
  });

  it("nothing in the server imports the VS Code API", () => {
    assert.deepEqual(sources(serverSrc).filter((f) => imports(f).includes("vscode")).map(rel), []);
  });

  it("only the model download, an approved email and a configured database open an egress permit; only the MCP connection and the remote engines open one host:port", () => {
    // Each way to open the network and exactly the modules allowed to use it. The name is matched, not
    // a call: an import under another name, or the function handed along, counts too.
    const allowed: Record<string, string[]> = {
      grantEgress: [],
      withEgress: [path.join("models", "download.ts"), path.join("report", "email-send.ts"), path.join("report", "postgres-database.ts")],
      grantEgressTo: [path.join("mcp", "mcp-connection.ts")],
      // A remote engine's endpoint, once the person confirmed it (a counted grantEgressTo).
      allowEndpoint: [path.join("remote", "remote-engines.ts")],
    };
    const outside = sources(serverSrc).filter((f) => !rel(f).startsWith(`platform${path.sep}`));
    const users = Object.fromEntries(Object.keys(allowed).map((name) => [name, outside.filter((f) => new RegExp(`\\b${name}\\b`).test(readFileSync(f, "utf8"))).map(rel)]));
    assert.deepEqual(users, allowed);
    // A namespace or dynamic import of the guard reaches every permit without naming one.
    const whole = outside.filter((f) => /import\s*\*\s*as\s+\w+\s+from\s+["'][^"']*egress-guard["']|import\s*\(\s*["'][^"']*egress-guard["']/.test(readFileSync(f, "utf8")));
    assert.deepEqual(whole.map(rel), []);
  });

  it("tests never import benchmarks; benchmarks use the shared fixtures in test/support only", () => {
    const testFiles = [...files(path.join(repoRoot, "test"), (name) => /\.ts$/.test(name)), ...files(serverSrc, (name) => /\.test\.ts$/.test(name))];
    const resolved = (file: string, specifier: string) => path.relative(repoRoot, path.resolve(path.dirname(file), specifier)).split(path.sep);
    const intoBench = testFiles.filter((f) => imports(f).some((i) => i.startsWith(".") && resolved(f, i)[0] === "bench"));
    assert.deepEqual(intoBench.map((f) => path.relative(repoRoot, f)), []);
    const benchFiles = files(path.join(repoRoot, "bench"), (name) => /\.ts$/.test(name));
    const intoTests = benchFiles.filter((f) => imports(f).some((i) => i.startsWith(".") && resolved(f, i)[0] === "test" && resolved(f, i)[1] !== "support"));
    assert.deepEqual(intoTests.map((f) => path.relative(repoRoot, f)), []);
  });

  it("the client uses only the shared protocol from the server", () => {
    const offenders = sources(clientSrc).filter((f) => imports(f).some((i) => i.includes("server/src/") && !/server\/src\/protocol$/.test(i)));
    assert.deepEqual(offenders.map((f) => path.relative(clientSrc, f)), []);
  });
});
