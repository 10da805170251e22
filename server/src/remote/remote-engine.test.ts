// What RemoteEngine.connect learns about an Ollama server's context, against a stand-in on loopback
// that answers the routes Ollama has (/api/version, /api/ps, /api/show). Ollama's /v1 endpoints cut a
// longer prompt from the front, so an over-estimate loses the system prompt without an error.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { grantEgress, type EgressPermit } from "../platform/egress-guard";
import { parseEndpoint } from "./endpoint";
import { OpenAiClient } from "./openai-client";
import { OLLAMA_DEFAULT_CONTEXT, RemoteEngine } from "./remote-engine";

const NEVER = new AbortController().signal;
const MODEL = "qwen2.5-coder:7b";

interface OllamaRoutes {
  version: string;
  /** /api/ps's models; undefined answers 404 (releases without it). */
  ps?: { name: string; model: string; context_length?: number }[];
  /** /api/show's answer; undefined answers 404. */
  show?: { parameters?: string; model_info?: Record<string, unknown> };
}

async function ollama(routes: OllamaRoutes): Promise<{ url: string; shown: unknown[]; close: () => void }> {
  const shown: unknown[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const json = (value: unknown) => res.end(JSON.stringify(value));
      if (req.url === "/v1/models") return json({ object: "list", data: [{ id: MODEL, object: "model" }] });
      if (req.url === "/api/version") return json({ version: routes.version });
      if (req.url === "/api/ps" && routes.ps) return json({ models: routes.ps });
      if (req.url === "/api/show" && req.method === "POST" && routes.show) {
        shown.push(JSON.parse(raw));
        return json(routes.show);
      }
      res.statusCode = 404;
      res.end("404 page not found");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, shown, close: () => server.close() };
}

async function contextOf(routes: OllamaRoutes): Promise<{ size: number; shown: unknown[] }> {
  const server = await ollama(routes);
  try {
    const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(`${server.url}/v1`), undefined), MODEL, NEVER);
    assert.equal(engine.kind, "ollama");
    return { size: engine.contextSize, shown: server.shown };
  } finally {
    server.close();
  }
}

describe("remote engine: the context an Ollama server gives the model", () => {
  let permit: EgressPermit;
  before(() => (permit = grantEgress("test: stand-in servers")));
  after(() => permit.release());

  const qwenInfo = { "general.architecture": "qwen2", "qwen2.context_length": 32768 };
  const rows: { name: string; routes: OllamaRoutes; expected: number }[] = [
    {
      name: "the running model's context (/api/ps) wins: it is what the /v1 endpoints use now",
      routes: { version: "0.12.3", ps: [{ name: MODEL, model: MODEL, context_length: 8192 }], show: { parameters: "num_ctx 16384", model_info: qwenInfo } },
      expected: 8192,
    },
    {
      name: "not running: the Modelfile's num_ctx (/api/show parameters)",
      routes: { version: "0.12.3", ps: [], show: { parameters: 'stop "<|im_end|>"\nnum_ctx 16384\ntemperature 0.7', model_info: qwenInfo } },
      expected: 16384,
    },
    {
      name: "no num_ctx: the server default, not the 32k the model was trained for",
      routes: { version: "0.12.3", ps: [], show: { parameters: 'stop "<|im_end|>"', model_info: qwenInfo } },
      expected: OLLAMA_DEFAULT_CONTEXT,
    },
    {
      name: "a model trained for less than the default: what it was trained for",
      routes: { version: "0.12.3", show: { model_info: { "general.architecture": "llama", "llama.context_length": 2048 } } },
      expected: 2048,
    },
    {
      name: "an older release (no /api/ps, no /api/show): its smaller default",
      routes: { version: "0.5.7" },
      expected: 2048,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { size } = await contextOf(row.routes);
      assert.equal(size, row.expected);
    });
  }

  it("asks /api/show about the chosen model", async () => {
    const { shown } = await contextOf({ version: "0.12.3", show: { parameters: "num_ctx 4096" } });
    assert.deepEqual(shown, [{ model: MODEL }]);
  });
});
