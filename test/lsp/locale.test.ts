// The server speaks the client's display language (initialize's `locale`): with zh-cn, the status
// bar's messages, a request's "no model" error and the invalid-setting warning are in Simplified Chinese.
import assert from "node:assert/strict";
import { ChatRequest } from "../../server/src/protocol";
import { MESSAGES } from "../../server/src/platform/messages";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireBuild } from "../support/build";

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
});
