// Allow-listed runner executes agent-modified script: config write → code execution (the Cline/Cursor
// CVE class where an allowed or auto-approved command ran configuration the agent had just written).
// One row per runner and way in, through the real permission gate with the README's example rules,
// profile "full", and "always" answers remembered for every command: what the agent changed earlier
// in the run (RunRecord) must make the allowed command ask again.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { type ApprovalStore, createPermissionGate } from "./permissions";
import { globMatches, SCRIPT_RUNNERS } from "./script-runners";
import type { PermissionDecision } from "./tool-types";
import { runCommandTool } from "./tools/command-tool";

interface Row {
  attack: string;
  command: string;
  /** Paths the agent changed earlier in this run. */
  changed: string[];
  expected: PermissionDecision;
  reason?: RegExp;
}

const RULES = {
  allow: ["npm test", "npm run build", "npx jest", "yarn test", "pnpm test", "make", "make test", "just test", "rake", "bundle exec rake", "pytest", "python -m pytest", "tox", "gradle test", "./gradlew test", "mvn test", "cargo test", "go generate ./...", "go test ./...", "./build.sh", "bash build.sh", "node scripts/check.js", "python setup.py test", "git status", "cd *", "timeout *"],
  deny: ["curl *"],
};

const ROWS: Row[] = [
  { attack: "package.json's test script rewritten, then the allowed `npm test` (the README example)", command: "npm test", changed: ["package.json"], expected: "ask", reason: /npm runs package\.json, which the agent changed in this run/ },
  { attack: "lifecycle/config: .npmrc (script-shell, node-options) changed before `npm run build`", command: "npm run build", changed: [".npmrc"], expected: "ask", reason: /\.npmrc/ },
  { attack: "a nested package.json (workspaces, `cd pkg && npm test`)", command: "cd pkg && npm test", changed: ["pkg/package.json"], expected: "ask", reason: /pkg\/package\.json/ },
  { attack: "a local bin replaced in node_modules/.bin, then `npx jest`", command: "npx jest", changed: ["node_modules/.bin/jest"], expected: "ask" },
  { attack: "yarn and pnpm read the same scripts", command: "yarn test && pnpm test", changed: ["package.json"], expected: "ask" },
  { attack: "Makefile recipe rewritten, then `make test`", command: "make test", changed: ["Makefile"], expected: "ask", reason: /make runs Makefile/ },
  { attack: "an included *.mk file", command: "make", changed: ["mk/rules.mk"], expected: "ask" },
  { attack: "justfile recipe", command: "just test", changed: ["justfile"], expected: "ask" },
  { attack: "Rakefile through a launcher (`bundle exec rake`)", command: "bundle exec rake", changed: ["Rakefile"], expected: "ask", reason: /rake runs Rakefile/ },
  { attack: "conftest.py runs before any test (`pytest`)", command: "pytest", changed: ["tests/conftest.py"], expected: "ask", reason: /pytest runs tests\/conftest\.py/ },
  { attack: "pytest as a module (`python -m pytest`) with pytest.ini adding a plugin", command: "python -m pytest", changed: ["pytest.ini"], expected: "ask" },
  { attack: "tox.ini commands", command: "tox", changed: ["tox.ini"], expected: "ask" },
  { attack: "build.gradle task (`./gradlew test`), and the wrapper itself", command: "./gradlew test", changed: ["build.gradle.kts", "gradlew"], expected: "ask" },
  { attack: "pom.xml exec plugin (`mvn test`)", command: "mvn test", changed: ["pom.xml"], expected: "ask" },
  { attack: "build.rs runs on `cargo test`", command: "cargo test", changed: ["crates/core/build.rs"], expected: "ask", reason: /cargo runs crates\/core\/build\.rs/ },
  { attack: "a //go:generate line in any .go file (`go generate`)", command: "go generate ./...", changed: ["internal/gen.go"], expected: "ask" },
  { attack: "python setup.py: the script file itself", command: "python setup.py test", changed: ["setup.py"], expected: "ask", reason: /this command runs setup\.py/ },
  { attack: "`./build.sh` after the agent rewrote build.sh", command: "./build.sh", changed: ["build.sh"], expected: "ask", reason: /this command runs build\.sh/ },
  { attack: "`bash build.sh` (an interpreter's script argument)", command: "bash build.sh", changed: ["build.sh"], expected: "ask" },
  { attack: "`node scripts/check.js` after the agent rewrote it", command: "node scripts/check.js", changed: ["scripts/check.js"], expected: "ask" },
  { attack: "control: two allowed commands on one line, nothing changed", command: "git status; npm test", changed: [], expected: "allow" },
  { attack: "a wrapper does not hide the runner (`timeout 60 npm test`)", command: "timeout 60 npm test", changed: ["package.json"], expected: "ask" },
  { attack: "case does not hide the file (MAKEFILE on a case-insensitive disk)", command: "make", changed: ["MAKEFILE"], expected: "ask" },
  { attack: "control: nothing changed, the allowed `npm test` runs without asking", command: "npm test", changed: [], expected: "allow" },
  { attack: "control: an unrelated file changed", command: "make test", changed: ["README.md", "src/app.ts"], expected: "allow" },
  { attack: "documented limit: test and source files the runner loads are not covered (that is what a test run runs)", command: "npm test", changed: ["src/app.test.ts"], expected: "allow" },
  { attack: "control: a runner-like word that is not a command (`git status` after a Makefile change)", command: "git status", changed: ["Makefile"], expected: "allow" },
];

/** Every command already answered "always": such an answer must not lift the ask. */
function rememberEverything(): ApprovalStore {
  return { location: path.join(os.tmpdir(), "pincer-never-inside-approvals.json"), commands: async () => ROWS.map((row) => row.command), add: async () => undefined };
}

describe("allowed script runners ask again after the agent changed what they run", () => {
  let ws: string;
  let roots: WorkspaceRoots;

  before(async () => {
    ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-runners-")));
    roots = await WorkspaceRoots.create([ws]);
  });

  after(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(row.attack, async () => {
      // By the rules alone first, then with every command remembered as "always".
      const byRules = createPermissionGate({ profile: "full", rules: RULES, trusted: true, headless: false, roots });
      const ruled = await byRules.check(runCommandTool({ defaultTimeoutMs: 1000, maxTimeoutMs: 1000 }), { command: row.command }, new AbortController().signal, { changedPaths: row.changed });
      assert.equal(ruled.decision, row.expected, JSON.stringify(ruled.reasons));
      const gate = createPermissionGate({ profile: "full", rules: RULES, trusted: true, headless: false, roots, rememberStore: rememberEverything() });
      const check = await gate.check(runCommandTool({ defaultTimeoutMs: 1000, maxTimeoutMs: 1000 }), { command: row.command }, new AbortController().signal, { changedPaths: row.changed });
      assert.equal(check.decision, row.expected, JSON.stringify(check.reasons));
      if (row.reason) assert.ok(check.reasons.some((reason) => row.reason!.test(reason)), JSON.stringify(check.reasons));
      if (row.expected === "ask") {
        assert.ok(check.reasons.some((reason) => /which the agent changed in this run: asking again/.test(reason)), `the card says why it asks again: ${JSON.stringify(check.reasons)}`);
        // The rules and the remembered "always" alone would allow it: the ask comes from the change.
        const before = await gate.check(runCommandTool({ defaultTimeoutMs: 1000, maxTimeoutMs: 1000 }), { command: row.command }, new AbortController().signal, { changedPaths: [] });
        assert.equal(before.decision, "allow", JSON.stringify(before.reasons));
      }
    });
  }

  it("a command line that names a runner's file in another command asks (it may change it first)", async () => {
    const gate = createPermissionGate({ profile: "full", rules: { allow: ["cp *", "sed *", "npm test"], deny: [] }, trusted: true, headless: false, roots });
    for (const command of ["cp evil.json package.json && npm test", "sed -i s/a/b/ Makefile; npm test", "sed -i s/echo/curl/ package.json; npm test"]) {
      const check = await gate.check(runCommandTool({ defaultTimeoutMs: 1000, maxTimeoutMs: 1000 }), { command }, new AbortController().signal, { changedPaths: [] });
      const expected = command.includes("Makefile") ? "allow" : "ask";
      assert.equal(check.decision, expected, `${command}: ${JSON.stringify(check.reasons)}`);
    }
  });

  it("the table's globs match in any folder, ignore case, and stay inside one path segment", () => {
    assert.ok(globMatches("Makefile", "Makefile") && globMatches("Makefile", "a/b/makefile"));
    assert.ok(globMatches("*.mk", "x/rules.mk") && !globMatches("*.mk", "x/rules.mkx"));
    assert.ok(globMatches(".cargo/config.toml", "crate/.cargo/config.toml") && !globMatches(".cargo/config.toml", "x.cargo/config.toml"));
    assert.ok(globMatches("gradle/**", "gradle/wrapper/gradle-wrapper.properties") && !globMatches("gradle/**", "notgradle/x"));
    assert.ok(!globMatches("package.json", "package.json.bak") && !globMatches("package.json", "mypackage.json"));
    for (const row of SCRIPT_RUNNERS) assert.ok(row.files.length > 0 && row.commands.length > 0, row.runner);
  });
});
