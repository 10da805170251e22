import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { guardedWorkerPath } from "./worker-pool";

describe("OCR worker threads", () => {
  it("install the egress guard before tesseract's own worker script runs", async () => {
    // A worker thread has its own copy of `net`, so only the worker entry's own guard can stop this.
    const probe = `
      const { parentPort } = require("node:worker_threads");
      import(${JSON.stringify(guardedWorkerPath())})
        .then(() => fetch("http://93.184.216.34/"))
        .then(() => parentPort.postMessage("connected"), (error) => parentPort.postMessage(String((error.cause ?? error).message)));`;
    const worker = new Worker(probe, { eval: true });
    try {
      const outcome = await new Promise<string>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      assert.match(outcome, /^Pincer blocked a network connection to 93\.184\.216\.34:80/);
    } finally {
      await worker.terminate();
    }
  });
});
