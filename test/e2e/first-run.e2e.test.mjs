// End-to-end test of the first run: no model set, the Get Started view and the walkthrough offer the models
// that fit this machine, the person picks one, agrees to the download, and the status bar shows it loaded.
// The "hub" is a loopback server (HF_ENDPOINT) serving the tiny test model under the recommended file's
// name, with its sha256 in X-Linked-Etag as Hugging Face publishes it. Once in the light and once in the
// dark theme, with screenshots of each stage.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';
import { MODEL, PINCER_ITEM, reportFailure, skipUnlessRunnable, start, stop } from './e2e-helpers.mjs';

const FILE = 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf';
const HUB_PATH = `/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/resolve/main/${FILE}`;

/** A loopback stand-in for huggingface.co: GET (with Range) and HEAD of one file, requests recorded. */
async function startHub(bytes) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const requests = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (request.url !== HUB_PATH) return response.writeHead(404).end();
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const from = range ? Number(range[1]) : 0;
    const headers = { 'x-linked-etag': `"${sha256}"`, 'accept-ranges': 'bytes', 'content-length': String(bytes.length - from) };
    if (range) headers['content-range'] = `bytes ${from}-${bytes.length - 1}/${bytes.length}`;
    response.writeHead(range ? 206 : 200, headers);
    response.end(request.method === 'HEAD' ? undefined : bytes.subarray(from));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, sha256, stop: () => new Promise((resolve) => server.close(resolve)) };
}

for (const theme of ['light', 'dark']) {
  describe(`first run: walkthrough → recommended model → download → loaded (${theme})`, function () {
    const ctx = {};
    let hub;
    let modelsDir;
    const shot = (name) => h.screenshot(ctx.page, `first-run-${theme}-${name}`);

    before(async function () {
      skipUnlessRunnable(this);
      hub = await startHub(readFileSync(MODEL));
      modelsDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-models-'));
      await start(ctx, {
        kind: `first-run-${theme}`,
        trust: true,
        env: { HF_ENDPOINT: hub.url },
        userSettings: {
          'pincer.threads': 1,
          'pincer.gpu': 'off',
          'pincer.modelsDir': modelsDir,
          'pincer.completion.enabled': false,
          'workbench.colorTheme': theme === 'light' ? 'Default Light Modern' : 'Default Dark Modern',
        },
      });
    });
    afterEach(reportFailure(ctx));
    after(async () => {
      await stop(ctx);
      await hub?.stop();
      if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
    });

    it('greets with the models that fit as buttons while no model is set', async () => {
      await h.waitForStatusBar(ctx.page, /Pincer: select a model/, 60_000);
      await h.runCommand(ctx.page, 'View: Show Pincer');
      const welcome = ctx.page.locator('.welcome-view-content');
      await welcome.getByRole('button', { name: /Qwen2\.5-Coder 0\.5B · 491 MB/ }).waitFor({ timeout: 30_000 });
      // Which one suits this machine comes from pincer/models/recommended (a context key per button).
      await welcome.getByRole('button', { name: /\(recommended\)$/ }).waitFor({ timeout: 60_000 });
      for (const name of [/Use an existing GGUF file/, /Use a remote endpoint/, /Compare models for this machine/]) {
        await welcome.getByRole('button', { name }).waitFor();
      }
      await shot('1-welcome-view');
    });

    it('opens the walkthrough, picks a model with its size, memory and speed, and asks before downloading', async () => {
      await h.runCommand(ctx.page, 'Welcome: Open Walkthrough...', { opensPicker: true });
      await ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Pincer' }).click();
      const choose = ctx.page.getByRole('button', { name: 'Choose a model', exact: true });
      await choose.waitFor({ timeout: 30_000 });
      await shot('2-walkthrough');
      await choose.click();
      const row = ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Qwen2.5-Coder 0.5B Instruct' });
      await row.waitFor({ timeout: 60_000 });
      const text = await row.innerText();
      assert.match(text, /491 MB download · needs 1\.1 GB · ~[\d.]+ tokens\/s/);
      await shot('3-choose-model');
      await row.click();
      const dialog = ctx.page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /hf:Qwen\/Qwen2\.5-Coder-0\.5B-Instruct-GGUF\/qwen2\.5-coder-0\.5b-instruct-q4_k_m\.gguf/);
      assert.equal(hub.requests.filter((r) => r.startsWith('GET')).length, 0, 'nothing is fetched before the person agrees');
      await shot('4-consent');
      await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    });

    it('downloads from the hub, verifies the sha256 the hub published, and loads the model', async () => {
      await h.waitForStatusBar(ctx.page, /qwen2\.5-coder-0\.5b-instruct-q4_k_m · CPU/, 90_000);
      await ctx.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-label')?.startsWith('Pincer — ready.'), PINCER_ITEM, { timeout: 60_000 });
      assert.ok(hub.requests.includes(`HEAD ${HUB_PATH}`), `the hub's sha256 was asked for: ${hub.requests}`);
      assert.ok(hub.requests.includes(`GET ${HUB_PATH}`), `the file came from the hub: ${hub.requests}`);
      await ctx.page.locator('.notifications-toasts', { hasText: 'sha256 verified (hub)' }).waitFor({ timeout: 30_000 });
      // The walkthrough's first step is checked off (its completion event: the model is ready).
      await ctx.page.locator('.getting-started-step', { hasText: 'Pick a model for this machine' }).locator('.codicon.complete').waitFor({ timeout: 30_000 });
      await shot('5-model-loaded');
      // The download's own arrival in the models folder is not announced as an offline install.
      assert.equal(await ctx.page.locator('.notifications-toasts', { hasText: 'appeared in the models folder' }).count(), 0);
    });
  });
}
