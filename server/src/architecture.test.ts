// The module boundaries from ARCHITECTURE.md, checked on the source so a stray import fails CI.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serverSrc = path.dirname(fileURLToPath(import.meta.url));
const clientSrc = path.resolve(serverSrc, "..", "..", "client", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);
}

const rel = (file: string) => path.relative(serverSrc, file);
const DOMAIN = ["engine", "models", "platform", "host", "completion", "chat", "store", "protocol", "index", "agent", "ocr", "tasks", "actions", "git", "voice"];

describe("architecture invariants", () => {
  it("domain modules import neither vscode nor vscode-languageserver", () => {
    const offenders = sources(serverSrc)
      .filter((f) => DOMAIN.includes(rel(f).split(path.sep)[0]!))
      .filter((f) => imports(f).some((i) => i === "vscode" || i.startsWith("vscode-languageserver") || i.includes("/lsp/")));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("only engine/ imports node-llama-cpp", () => {
    const offenders = sources(serverSrc).filter((f) => !rel(f).startsWith(`engine${path.sep}`) && imports(f).includes("node-llama-cpp"));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("only voice/whisper-engine.ts imports the Whisper binding", () => {
    const offenders = sources(serverSrc).filter((f) => rel(f) !== path.join("voice", "whisper-engine.ts") && imports(f).includes("@fugood/whisper.node"));
    assert.deepEqual(offenders.map(rel), []);
  });

  it("nothing in the server imports the VS Code API", () => {
    assert.deepEqual(sources(serverSrc).filter((f) => imports(f).includes("vscode")).map(rel), []);
  });

  it("only the model download opens an egress permit", () => {
    const users = sources(serverSrc).filter((f) => /\b(withEgress|grantEgress)\(/.test(readFileSync(f, "utf8")) && !rel(f).startsWith(`platform${path.sep}`));
    assert.deepEqual(users.map(rel), [path.join("models", "download.ts")]);
  });

  it("the client uses only the shared protocol from the server", () => {
    const offenders = sources(clientSrc).filter((f) => imports(f).some((i) => i.includes("server/src/") && !/server\/src\/protocol$/.test(i)));
    assert.deepEqual(offenders.map((f) => path.relative(clientSrc, f)), []);
  });
});
