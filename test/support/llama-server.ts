// A real llama-server on 127.0.0.1 for tests and benchmarks: the cached build (llama-server-build.ts),
// a free port, and "ready" when /health answers 200. Stopped with SIGTERM (SIGKILL after 5 s).
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { cachedLlamaServer, ensureLlamaServer } from "./llama-server-build";
import { inCi } from "./test-model";

export interface LlamaServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The built binary; under CI it is built when missing (test/e2e/setup normally did it), elsewhere the suite is skipped. */
export function requireLlamaServer(context: Mocha.Context): string {
  const cached = cachedLlamaServer();
  if (cached) return cached;
  if (inCi() || process.env.PINCER_BUILD_LLAMA_SERVER === "1") {
    context.timeout(40 * 60_000);
    return ensureLlamaServer();
  }
  context.skip();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startLlamaServer(binary: string, model: string, options: { contextSize?: number; threads?: number; extraArgs?: string[] } = {}): Promise<LlamaServer> {
  const port = await freePort();
  const child = spawn(
    binary,
    ["-m", model, "--host", "127.0.0.1", "--port", String(port), "-c", String(options.contextSize ?? 2048), "-t", String(options.threads ?? 1), "-np", "1", "--no-webui", ...(options.extraArgs ?? [])],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`llama-server exited (${code ?? signal}) before it was ready:\n${log}`))));
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
      if (ok) return;
      // /health answers 503 while the model loads; poll on a short interval until it is ready.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`llama-server did not become ready in 120 s:\n${log}`);
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  exited.catch(() => undefined);
  return {
    url,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
