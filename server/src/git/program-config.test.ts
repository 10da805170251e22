import assert from "node:assert/strict";
import { FIXED_SAFE_CONFIG, harmlessValue, MAX_OVERRIDES, neutralizingOverrides, splitKey } from "./program-config";

describe("program-valued git config", () => {
  it("splits keys as git does: subsections keep dots and case", () => {
    assert.deepEqual(splitKey("filter.My.Driver.clean"), { section: "filter", subsection: "My.Driver", variable: "clean" });
    assert.deepEqual(splitKey("Core.SshCommand"), { section: "core", subsection: undefined, variable: "sshcommand" });
    assert.equal(splitKey("nodot"), undefined);
  });

  it("knows which keys run programs, and the value that switches each off", () => {
    const cases: [string, string | undefined][] = [
      ["filter.lfs.clean", ""],
      ["filter.x.process", ""],
      ["filter.x.required", "false"],
      ["diff.x.textconv", ""],
      ["diff.x.command", ""],
      ["diff.external", ""],
      ["merge.x.driver", ""],
      ["pager.log", "false"],
      ["credential.https://example.com.helper", ""],
      ["gpg.program", ""],
      ["gpg.ssh.program", ""],
      ["gpg.ssh.defaultKeyCommand", ""],
      ["remote.origin.uploadpack", ""],
      ["remote.origin.promisor", "false"],
      ["protocol.file.allow", "never"],
      ["submodule.x.update", "none"],
      ["uploadpack.packObjectsHook", ""],
      ["core.alternateRefsCommand", ""],
      // The safety net: any variable that names a program.
      ["sendemail.toCmd", ""],
      ["foo.bar.somethingProgram", ""],
      // Not programs.
      ["user.name", undefined],
      ["remote.origin.url", undefined],
      ["core.worktree", undefined],
      ["filter.x.clean.extra", undefined],
      ["diff.x.xfuncname", undefined],
    ];
    for (const [key, value] of cases) assert.equal(harmlessValue(key), value, key);
  });

  it("reads `git config --list -z` and neutralizes each program key once, keeping the subsection's spelling", () => {
    const listing = [
      "user.name\nMe",
      "filter.Evil=Name.clean\nsh -c 'touch x'",
      "filter.evil=name.clean\nother",
      "FILTER.Evil=Name.CLEAN\nagain",
      "diff.bin.textconv\nhexdump",
      "core.fsmonitor\n/tmp/x",
      "log.showsignature",
      "",
    ].join("\0");
    assert.deepEqual(neutralizingOverrides(listing), [
      ["filter.Evil=Name.clean", ""],
      ["filter.evil=name.clean", ""],
      ["diff.bin.textconv", ""],
    ]);
  });

  it("refuses a config that names more programs than it can switch off", () => {
    const listing = Array.from({ length: MAX_OVERRIDES + 1 }, (_, i) => `filter.f${i}.clean\nx`).join("\0");
    assert.throws(() => neutralizingOverrides(listing), /names 2001 programs/);
  });

  it("the fixed switches cover discovery, fsmonitor, hooks, transports and signing", () => {
    const keys = new Map(FIXED_SAFE_CONFIG.map(([key, value]) => [key, value]));
    assert.equal(keys.get("safe.bareRepository"), "explicit");
    assert.equal(keys.get("core.fsmonitor"), "false");
    assert.equal(keys.get("protocol.allow"), "never");
    assert.equal(keys.get("protocol.file.allow"), "never");
    assert.equal(keys.get("log.showSignature"), "false");
    assert.equal(keys.get("credential.helper"), "");
  });
});
