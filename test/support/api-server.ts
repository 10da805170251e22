// `pincer serve --http` as a child process for tests: started with the tiny model, ready when it
// prints its JSON facts line (--json); stopped with SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SERVER_BUNDLE } from "./lsp-client";
import { renderLines } from "./ocr-images";

export interface ApiFacts {
  url: string;
  tokenFile: string;
  tlsFingerprint?: string;
  /** host:port of the gRPC server, with --grpc-port. */
  grpc?: string;
  model: string;
}

export interface ApiProcess {
  facts: ApiFacts;
  token: string;
  dir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startApiProcess(model: string, extraArgs: string[] = [], options: { contextSize?: number; env?: NodeJS.ProcessEnv; settings?: Record<string, unknown> } = {}): Promise<ApiProcess> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-api-"));
  await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.threads": 1, "pincer.contextSize": options.contextSize ?? 1024, ...options.settings }));
  const child = spawn(process.execPath, [SERVER_BUNDLE, "serve", "--http", "--port", "0", "--model", model, "--json", ...extraArgs], {
    env: { ...process.env, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_CACHE_DIR: dir, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const facts = await new Promise<ApiFacts>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        try {
          resolve(JSON.parse(line) as ApiFacts);
        } catch (error) {
          reject(error as Error);
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`pincer serve --http exited (${code}):\n${err}`)));
  });
  const token = (await fs.readFile(facts.tokenFile, "utf8")).trim();
  return {
    facts,
    token,
    dir,
    process: child,
    output: () => out + err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The workspace the API's workspace routes are tested in (REST and gRPC alike): a text file, a scanned
 * invoice, and a symlink to an image outside it; `scriptFile` is where a test writes the agent's answers.
 */
export async function makeApiWorkspace(prefix: string): Promise<{ ws: string; outside: string; scriptFile: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const ws = path.join(root, "ws");
  const outside = path.join(root, "outside");
  await fs.mkdir(ws);
  await fs.mkdir(outside);
  await fs.writeFile(path.join(ws, "notes.txt"), "alpha\n");
  await fs.writeFile(path.join(ws, "scan.png"), renderLines(["Invoice 4711 total 99 EUR"]));
  await fs.writeFile(path.join(outside, "secret.png"), renderLines(["SECRET"]));
  await fs.symlink(path.join(outside, "secret.png"), path.join(ws, "link.png"));
  return { ws, outside, scriptFile: path.join(root, "script.json") };
}
