// The entry of every tesseract.js worker thread. A worker thread has its own copy of Node's
// modules, so the main thread's egress guard does not reach it: install the guard here first, then
// hand over to tesseract's own worker script. (Language data comes from local folders anyway; this
// makes "no connection" hold even if tesseract ever took its download path.)
import { installEgressGuard } from "../platform/egress-guard";

installEgressGuard();
// A deep path into tesseract.js, which ships no types for it (and stays external to the bundle).
const tesseractWorkerScript = "tesseract.js/src/worker-script/node/index.js";
await import(tesseractWorkerScript);
