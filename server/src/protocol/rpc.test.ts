// Every custom method is one typed object with one name style, and each client → server method
// carries the schema the server checks its parameters against.
import assert from "node:assert/strict";
import * as protocol from "./index";
import { isCheckedMethod, PincerNotification, PincerRequest, ServerNotification, ServerRequest } from "./rpc";

const methods = Object.entries(protocol).filter(([, value]) => value instanceof PincerRequest || value instanceof PincerNotification || value instanceof ServerRequest || value instanceof ServerNotification) as [
  string,
  { method: string },
][];

describe("protocol methods", () => {
  it("are all typed objects named pincer/<area>/<action>, each name used once", () => {
    assert.ok(methods.length >= 29, `found ${methods.length}`);
    for (const [name, type] of methods) assert.match(type.method, /^pincer\/[a-z][A-Za-z]*\/[a-z][A-Za-z]*$/, name);
    const names = methods.map(([, type]) => type.method);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
    // No bare method strings are left beside them.
    const strings = Object.entries(protocol).filter(([, value]) => typeof value === "string" && value.startsWith("pincer/"));
    assert.deepEqual(strings, []);
  });

  it("client → server methods carry a parameter schema; server → client ones do not need one", () => {
    for (const [name, type] of methods) {
      const fromClient = type instanceof PincerRequest || type instanceof PincerNotification;
      assert.equal(isCheckedMethod(type), fromClient, name);
      if (fromClient) assert.equal(typeof (type as unknown as { params: unknown }).params, "function", name);
    }
  });

  it("a schema names the bad field", () => {
    assert.throws(() => protocol.ChatRequest.params({ id: "a", message: "hi", maxTokens: 0 }, ""), /maxTokens must be a whole number/);
    assert.throws(() => protocol.AgentRunRequest.params({ id: "a", request: "   " }, ""), /request must be more than white space/);
    assert.deepEqual(protocol.ListTasksRequest.params(undefined, ""), {});
  });
});
