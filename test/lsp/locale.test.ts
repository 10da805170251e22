// The server speaks the client's display language (initialize's `locale`): with zh-cn, the status
// bar's messages and memory lines, a request's "no model" error, the invalid-setting warning and the
// recommended models' fit reasons are in Simplified Chinese.
import assert from "node:assert/strict";
import { ChatContextRequest, ChatRequest, RecommendedModelsRequest, type ContextReport, type RecommendedModelsResult } from "../../server/src/protocol";
import { MESSAGES } from "../../server/src/platform/messages";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireBuild } from "../support/build";
import { requireTestModel } from "../support/test-model";

describe("LSP server in Simplified Chinese (initialize locale zh-cn)", function () {
  this.timeout(60_000);
  let server: TestServer | undefined;

  before(function () {
    requireBuild(this);
  });

  after(async () => {
    await server?.stop();
  });

  it("says 'no model' and an invalid setting in Chinese", async () => {
    server = await startTestServer({ settings: { model: "", threads: "lots" as unknown as number }, locale: "zh-cn" });
    const status = await server.waitForStatus((s) => s.state === "no-model", "no-model");
    assert.equal(status.message, MESSAGES["zh-cn"]["host.noModel"]);
    await assert.rejects(server.connection.sendRequest(ChatRequest, { id: "x", message: "你好" }), (error: Error) => error.message === MESSAGES["zh-cn"]["host.noModel"]);
    await server.waitForShownMessage(/设置 "pincer\.threads" 的值 "lots" 无效，改用 "auto"。/);
  });

  it("gives the recommended models' fit reasons in Chinese (the client shows them after 它)", async () => {
    server ??= await startTestServer({ settings: { model: "" }, locale: "zh-cn" });
    const result: RecommendedModelsResult = await server.connection.sendRequest(RecommendedModelsRequest, {});
    for (const m of result.models) assert.match(m.fitReason, /^需要约 [\d.]+ [KMG]B[；，]/, m.id);
  });

  it("tells the model to answer in Chinese when the UI is zh-cn (pincer.chat.language auto), or when the setting says so", async function () {
    const model = requireTestModel(this);
    const systemTokens = async (locale: string, language: "auto" | "en" | "zh-cn") => {
      const s = await startTestServer({ settings: { model, threads: 1, contextSize: 512, chat: { language } }, locale });
      try {
        const ready = await s.waitForStatus((status) => status.state === "ready", "ready");
        // The tooltip's memory lines come in the client's language.
        assert.match(ready.memoryLines?.[0] ?? "", locale === "zh-cn" ? /^内存：当前常驻 \d+ MB$/ : /^Memory: \d+ MB resident now$/);
        const report: ContextReport = await s.connection.sendRequest(ChatContextRequest, { message: "你好" });
        return report.items.find((item) => item.label === "Pincer system prompt")!.tokens;
      } finally {
        await s.stop();
      }
    };
    const english = await systemTokens("en", "auto");
    const chinese = await systemTokens("zh-cn", "auto");
    assert.ok(chinese > english, `zh-cn UI: ${chinese} system prompt tokens, en UI: ${english}`);
    assert.equal(await systemTokens("en", "zh-cn"), chinese, "the setting names the language whatever the UI");
    assert.ok((await systemTokens("zh-cn", "en")) > english, "en adds its own instruction");
  });
});
