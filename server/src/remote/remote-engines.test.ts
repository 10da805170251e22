// Which hosts the status bar shows: the confirmed ones, and, when every feature is remote (no local
// model needed), every host the settings name.
import assert from "node:assert/strict";
import { DEFAULT_SETTINGS, type PincerSettings } from "../protocol/settings";
import { RemoteEngines } from "./remote-engines";

const withRemote = (urls: { completion?: string; chat?: string; agent?: string }): PincerSettings => ({
  ...DEFAULT_SETTINGS,
  remote: {
    completion: { url: urls.completion ?? "", model: "" },
    chat: { url: urls.chat ?? "", model: "" },
    agent: { url: urls.agent ?? "", model: "" },
  },
});

describe("remote engines: the hosts the status bar shows", () => {
  it("when every role is remote, names every host (confirmed or not), each once, the port only when not the scheme's", () => {
    const remote = new RemoteEngines();
    try {
      const settings = withRemote({ completion: "http://127.0.0.1:8080", chat: "http://127.0.0.1:8080/v1", agent: "https://gpu.team.lan" });
      assert.deepEqual(remote.remoteOnlyHosts(settings), ["127.0.0.1:8080", "gpu.team.lan"]);
      assert.deepEqual(remote.hosts(settings), [], "none confirmed yet");
    } finally {
      remote.dispose();
    }
  });

  it("is undefined while any role still runs on the local model", () => {
    const remote = new RemoteEngines();
    try {
      assert.equal(remote.remoteOnlyHosts(withRemote({ chat: "http://127.0.0.1:8080", agent: "http://127.0.0.1:8080" })), undefined);
      assert.equal(remote.remoteOnlyHosts(withRemote({})), undefined);
    } finally {
      remote.dispose();
    }
  });
});
