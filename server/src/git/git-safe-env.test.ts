import assert from "node:assert/strict";
import { COMMAND_GIT_CONFIG, gitSafeCommandEnvironment, pinnedGitEnvironment, withGitConfig } from "./git-safe-env";

describe("git environments", () => {
  it("agent commands get safe.bareRepository, fsmonitor and hooks after the person's own GIT_CONFIG entries", () => {
    const env = gitSafeCommandEnvironment({ PATH: "/bin", GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.name", GIT_CONFIG_VALUE_0: "Me" });
    assert.equal(env.PATH, "/bin");
    assert.equal(env.GIT_CONFIG_COUNT, String(1 + COMMAND_GIT_CONFIG.length));
    assert.equal(env.GIT_CONFIG_KEY_0, "user.name");
    assert.equal(env.GIT_CONFIG_KEY_1, "safe.bareRepository");
    assert.equal(env.GIT_CONFIG_VALUE_1, "explicit");
    assert.equal(env.GIT_CONFIG_KEY_2, "core.fsmonitor");
    assert.equal(env.GIT_CONFIG_VALUE_2, "false");
    assert.equal(env.GIT_CONFIG_KEY_3, "core.hooksPath");
  });

  it("drops GIT_CONFIG entries whose key was scrubbed (git would refuse to start), and renumbers", () => {
    const env = withGitConfig({ GIT_CONFIG_COUNT: "2", GIT_CONFIG_VALUE_0: "orphan", GIT_CONFIG_KEY_1: "a.b", GIT_CONFIG_VALUE_1: "c" }, [["x.y", "z"]]);
    assert.deepEqual(
      Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("GIT_CONFIG"))),
      { GIT_CONFIG_KEY_0: "a.b", GIT_CONFIG_VALUE_0: "c", GIT_CONFIG_KEY_1: "x.y", GIT_CONFIG_VALUE_1: "z", GIT_CONFIG_COUNT: "2" },
    );
  });

  it("Pincer's own git inherits no GIT_* or pager/editor variable and pins the repository", () => {
    const env = pinnedGitEnvironment({ gitDir: "/ws/.git", workTree: "/ws" }, [["k.v", "1"]], {
      PATH: "/bin",
      HOME: "/home/me",
      GIT_DIR: "/elsewhere",
      git_external_diff: "/evil",
      GIT_CONFIG_GLOBAL: "/evil",
      PAGER: "/evil",
      EDITOR: "/evil",
    });
    assert.equal(env.GIT_DIR, "/ws/.git");
    assert.equal(env.GIT_WORK_TREE, "/ws");
    assert.equal(env.GIT_CONFIG_NOSYSTEM, "1");
    assert.equal(env.GIT_NO_LAZY_FETCH, "1");
    assert.equal(env.GIT_ALLOW_PROTOCOL, "pincer-no-protocol");
    assert.equal(env.HOME, "/home/me");
    assert.equal(env.git_external_diff, undefined);
    assert.equal(env.GIT_CONFIG_GLOBAL, undefined);
    assert.equal(env.PAGER, undefined);
    assert.equal(env.EDITOR, undefined);
    assert.equal(env.GIT_CONFIG_COUNT, "1");
  });
});
