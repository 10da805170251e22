// `pincer serve --http --grpc-port 0`: a @grpc/grpc-js client streams a chat answer, lists the model
// and fills in the middle; without the token every call is UNAUTHENTICATED.
import assert from "node:assert/strict";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { startApiProcess, type ApiProcess } from "../support/api-server";
import { allowLoopbackClients } from "../support/loopback-clients";
import { repoRoot, requireTestModel } from "../support/test-model";

type Unary = (request: unknown, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, answer: Record<string, unknown>) => void) => void;
type PincerClient = grpc.Client & { ListModels: Unary; Complete: Unary; Chat(request: unknown, metadata: grpc.Metadata): grpc.ClientReadableStream<{ text: string; finish_reason: string }> };

describe("pincer serve --http --grpc-port (gRPC)", function () {
  this.timeout(120_000);
  allowLoopbackClients();
  let api: ApiProcess;
  let client: PincerClient;
  const auth = () => {
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${api.token}`);
    return metadata;
  };
  const unary = (method: "ListModels" | "Complete", request: unknown, metadata: grpc.Metadata) =>
    new Promise<Record<string, unknown>>((resolve, reject) => client[method](request, metadata, (error, answer) => (error ? reject(error) : resolve(answer))));

  before(async function () {
    api = await startApiProcess(requireTestModel(this), ["--grpc-port", "0"]);
    const definition = protoLoader.loadSync(path.join(repoRoot, "proto", "pincer.proto"), { keepCase: true, defaults: true });
    const proto = grpc.loadPackageDefinition(definition) as unknown as { pincer: { v1: { Pincer: grpc.ServiceClientConstructor } } };
    client = new proto.pincer.v1.Pincer((api.facts as unknown as { grpc: string }).grpc, grpc.credentials.createInsecure()) as unknown as PincerClient;
  });
  after(async () => {
    client?.close();
    await api?.stop();
  });

  it("refuses calls without the token (UNAUTHENTICATED)", async () => {
    await assert.rejects(unary("ListModels", {}, new grpc.Metadata()), (error: grpc.ServiceError) => error.code === grpc.status.UNAUTHENTICATED);
  });

  it("lists the model", async () => {
    assert.deepEqual((await unary("ListModels", {}, auth())).models, ["llama-2-tiny-random"]);
  });

  it("streams a chat answer (server streaming)", async () => {
    const chunks: { text: string; finish_reason: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.Chat({ messages: [{ role: "user", content: "Say hello" }], max_tokens: 8 }, auth());
      stream.on("data", (chunk: { text: string; finish_reason: string }) => chunks.push(chunk));
      stream.on("end", () => resolve());
      stream.on("error", reject);
    });
    assert.ok(chunks.filter((c) => c.text !== "").length > 1, "several pieces");
    assert.ok(["stop", "length"].includes(chunks[chunks.length - 1]!.finish_reason));
  });

  it("fills in the middle", async () => {
    const answer = await unary("Complete", { prompt: "function add(a, b) {\n  return ", suffix: "\n}\n", max_tokens: 6 }, auth());
    assert.equal(typeof answer.text, "string");
    assert.ok(["stop", "length"].includes(answer.finish_reason as string));
  });
});
