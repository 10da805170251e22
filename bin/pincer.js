#!/usr/bin/env node
// The `pincer` CLI: runs the bundled server code (build it first with `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/server/main.mjs", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("pincer: the server bundle is missing; run `npm run build` first.\n");
  process.exit(1);
}
await import(bundle);
