// End-to-end test of the first run: no model set, the Get Started view and the walkthrough offer the models
// that fit this machine, the person picks one, agrees to the download, and the status bar shows it loaded.
// The "hub" is a loopback server (HF_ENDPOINT) serving the tiny test model under the recommended file's
// name, with its sha256 in X-Linked-Etag as Hugging Face publishes it. Once in the light and once in the
// dark theme, and once in Simplified Chinese, with screenshots of each stage. Then the walkthrough's steps
// 2–4 (a completion in the sample, the first chat question, the agent's sample task with scripted answers
// through PINCER_AGENT_SCRIPT), each checked off by its completion context key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';
import { chatFrame, MODEL, PINCER_ITEM, poll, reportFailure, skipUnlessRunnable, start, stop } from './e2e-helpers.mjs';

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

// What the first run shows, per display language (zh-cn: harness displayLanguage; VS Code's own UI stays
// English, Pincer's is Chinese).
const TEXT = {
  en: {
    selectModel: /Pincer: select a model/,
    smallButton: /Qwen2\.5-Coder 0\.5B · 491 MB/,
    recommended: /\(recommended\)$/,
    more: [/Use an existing GGUF file/, /Use a remote endpoint/, /Compare models for this machine/],
    walkthrough: 'Get started with Pincer',
    chooseModel: 'Choose a model',
    row: /491 MB download · needs 1\.1 GB · ~[\d.]+ tokens\/s/,
    fitReason: /needs about [\d.]+ GB; [\d.]+ GB of RAM are free/,
    download: 'Download',
    ready: 'Pincer — ready.',
    verified: 'sha256 verified (hub)',
    appeared: 'appeared in the models folder',
    meter: /tokens/,
    steps: { pickModel: 'Pick a model for this machine', tryCompletion: 'Try a completion', askChat: 'Ask in chat', runAgent: 'Run the agent on a sample task' },
    buttons: { openSample: 'Open a sample', ask: 'Ask a first question', runAgent: 'Run a sample task' },
    askPrompt: 'Explain in three sentences what a GGUF model file is.',
  },
  'zh-cn': {
    selectModel: /Pincer: 请选择模型/,
    smallButton: /下载 Qwen2\.5-Coder 0\.5B · 491 MB/,
    recommended: /（推荐）$/,
    more: [/使用已有的 GGUF 文件/, /使用远程端点/, /比较适合本机的模型/],
    walkthrough: 'Pincer 入门',
    chooseModel: '选择模型',
    row: /下载 491 MB · 需要 1\.1 GB · 约 [\d.]+ 词元\/秒/,
    // The fit reason comes from the server's catalogue, in initialize.locale's language.
    fitReason: /需要约 [\d.]+ GB；空闲内存 [\d.]+ GB/,
    download: '下载',
    ready: 'Pincer — 就绪',
    verified: 'sha256 已验证（hub）',
    appeared: '模型文件夹中出现了',
    meter: /个 token/,
    steps: { pickModel: '为本机选择模型', tryCompletion: '试用代码补全', askChat: '在聊天中提问', runAgent: '让智能体执行示例任务' },
    buttons: { openSample: '打开示例', ask: '提出第一个问题', runAgent: '运行示例任务' },
    askPrompt: '用三句话解释什么是 GGUF 模型文件。',
  },
};

// The sample task's scripted answers (PINCER_AGENT_SCRIPT): list the folder, write NOTES.md, finish.
const AGENT_SCRIPT = [
  { plan: ['List the files', 'Write NOTES.md'] },
  { thought: 'See what is here.', tool: 'list_files', args: {} },
  { thought: 'Write the notes.', tool: 'create_file', args: { path: 'NOTES.md', content: '- hello.ts: exports a greeting.\n' } },
  { thought: 'Done.', tool: 'finish', args: { summary: 'NOTES.md lists the files.', verified: 'Listed the folder first.' } },
];

/** Brings the walkthrough's editor to the front. */
async function showWalkthrough(page) {
  await page.locator('.part.editor .tab', { hasText: /Walkthrough/ }).first().click();
}

/** Expands `step` in the walkthrough and clicks its button (a collapsed step hides its buttons). */
async function clickStepButton(page, step, button) {
  await showWalkthrough(page);
  await page.locator('.getting-started-step', { hasText: step }).locator('.step-title, h3').first().click();
  await page.getByRole('button', { name: button, exact: true }).click();
}

/** Brings the walkthrough back to the front and waits until `step`'s checkmark shows. */
async function stepCompleted(page, step) {
  await showWalkthrough(page);
  await page.locator('.getting-started-step', { hasText: step }).locator('.codicon.complete').waitFor({ timeout: 60_000 });
}

const VARIANTS = [
  { theme: 'light', language: 'en' },
  { theme: 'dark', language: 'en' },
  { theme: 'light', language: 'zh-cn' },
];

for (const { theme, language } of VARIANTS) {
  const T = TEXT[language];
  const tag = language === 'en' ? theme : `${language}-${theme}`;
  describe(`first run: walkthrough → recommended model → download → loaded → steps 2–4 (${tag})`, function () {
    const ctx = {};
    let hub;
    let modelsDir;
    let scriptDir;
    const shot = (name) => h.screenshot(ctx.page, `first-run-${tag}-${name}`);

    before(async function () {
      skipUnlessRunnable(this);
      hub = await startHub(readFileSync(MODEL));
      modelsDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-models-'));
      scriptDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-first-run-script-'));
      writeFileSync(path.join(scriptDir, 'script.json'), JSON.stringify(AGENT_SCRIPT));
      await start(ctx, {
        kind: `first-run-${tag}`,
        trust: true,
        displayLanguage: language === 'en' ? undefined : language,
        files: { 'hello.ts': 'export const greeting = "hello";\n' },
        env: { HF_ENDPOINT: hub.url, PINCER_AGENT_SCRIPT: path.join(scriptDir, 'script.json') },
        userSettings: {
          'pincer.threads': 1,
          'pincer.gpu': 'off',
          'pincer.modelsDir': modelsDir,
          // Short suggestions for the walkthrough's completion step; no IntelliSense widget over the ghost text.
          'pincer.completion.maxLines': 1,
          'pincer.completion.maxTokens': 8,
          'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
          'editor.suggestOnTriggerCharacters': false,
          'workbench.colorTheme': theme === 'light' ? 'Default Light Modern' : 'Default Dark Modern',
        },
      });
    });
    afterEach(reportFailure(ctx, async (page) => {
      console.log(`    status bar: ${JSON.stringify(await h.statusBarText(page).catch((e) => [e.message]))}`);
      const meter = await chatFrame(page).locator('.meter').innerText({ timeout: 2_000 }).catch((e) => e.message);
      console.log(`    chat meter: ${meter}`);
    }));
    after(async () => {
      await stop(ctx);
      await hub?.stop();
      if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
      if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
    });

    it('greets with the models that fit as buttons while no model is set', async () => {
      await h.waitForStatusBar(ctx.page, T.selectModel, 60_000);
      await h.runCommand(ctx.page, 'View: Show Pincer');
      const welcome = ctx.page.locator('.welcome-view-content');
      await welcome.getByRole('button', { name: T.smallButton }).waitFor({ timeout: 30_000 });
      // Which one suits this machine comes from pincer/models/recommended (a context key per button).
      await welcome.getByRole('button', { name: T.recommended }).waitFor({ timeout: 60_000 });
      for (const name of T.more) await welcome.getByRole('button', { name }).waitFor();
      await shot('1-welcome-view');
    });

    it('opens the walkthrough, picks a model with its size, memory and speed, and asks before downloading', async () => {
      await h.runCommand(ctx.page, 'Welcome: Open Walkthrough...', { opensPicker: true });
      await ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: T.walkthrough }).click();
      const choose = ctx.page.getByRole('button', { name: T.chooseModel, exact: true });
      await choose.waitFor({ timeout: 30_000 });
      await shot('2-walkthrough');
      await choose.click();
      const row = ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Qwen2.5-Coder 0.5B Instruct' });
      await row.waitFor({ timeout: 60_000 });
      const text = await row.innerText();
      assert.match(text, T.row);
      assert.match(text, T.fitReason);
      await shot('3-choose-model');
      // Another part of the window taking focus (here the chat view, open since the welcome) leaves the
      // list open: it closed under the pointer once in CI when a view took focus while it loaded.
      await chatFrame(ctx.page).locator('body').click();
      assert.ok(await row.isVisible(), 'the model list stays open when focus moves elsewhere');
      await row.click();
      const dialog = ctx.page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /hf:Qwen\/Qwen2\.5-Coder-0\.5B-Instruct-GGUF\/qwen2\.5-coder-0\.5b-instruct-q4_k_m\.gguf/);
      assert.equal(hub.requests.filter((r) => r.startsWith('GET')).length, 0, 'nothing is fetched before the person agrees');
      await shot('4-consent');
      await dialog.getByRole('button', { name: T.download, exact: true }).click();
    });

    it('downloads from the hub, verifies the sha256 the hub published, and loads the model; the open chat view follows', async () => {
      await h.waitForStatusBar(ctx.page, /qwen2\.5-coder-0\.5b-instruct-q4_k_m · CPU/, 90_000);
      await ctx.page.waitForFunction(([sel, ready]) => document.querySelector(sel)?.getAttribute('aria-label')?.startsWith(ready), [PINCER_ITEM, T.ready], { timeout: 60_000 });
      assert.ok(hub.requests.includes(`HEAD ${HUB_PATH}`), `the hub's sha256 was asked for: ${hub.requests}`);
      assert.ok(hub.requests.includes(`GET ${HUB_PATH}`), `the file came from the hub: ${hub.requests}`);
      await ctx.page.locator('.notifications-toasts', { hasText: T.verified }).waitFor({ timeout: 30_000 });
      // The walkthrough's first step is checked off (its completion event: the model is ready).
      await ctx.page.locator('.getting-started-step', { hasText: T.steps.pickModel }).locator('.codicon.complete').waitFor({ timeout: 30_000 });
      // The chat view, open since the welcome, hears that a model is loaded: its footer shows the token
      // meter, not the "no model is selected" it showed before (no command or typing refreshes it here).
      await chatFrame(ctx.page).locator('.meter', { hasText: T.meter }).waitFor({ timeout: 30_000 });
      await shot('5-model-loaded');
      // The download's own arrival in the models folder is not announced as an offline install.
      assert.equal(await ctx.page.locator('.notifications-toasts', { hasText: T.appeared }).count(), 0);
    });

    it('step 2: the sample shows a suggestion in grey, and the step is checked off', async () => {
      await clickStepButton(ctx.page, T.steps.tryCompletion, T.buttons.openSample);
      const editor = ctx.page.locator('.part.editor .monaco-editor.focused');
      await editor.waitFor({ timeout: 30_000 });
      // The tiny test model's answer is random and may be blank for a prefix: type on until ghost text shows.
      const ghost = ctx.page.locator('.part.editor .view-lines .ghost-text-decoration, .part.editor .view-zones .ghost-text');
      await poll(async () => {
        if (await ghost.count()) return true;
        await ctx.page.keyboard.type('r');
        await ghost.first().waitFor({ timeout: 5_000 }).catch(() => {});
        return (await ghost.count()) > 0;
      }, 'ghost text in the sample', 60_000);
      await shot('6-step-completion');
      await stepCompleted(ctx.page, T.steps.tryCompletion);
    });

    it('step 3: asks the first question in the chat, the answer streams, and the step is checked off', async () => {
      await clickStepButton(ctx.page, T.steps.askChat, T.buttons.ask);
      const chat = chatFrame(ctx.page);
      await chat.locator('article.user', { hasText: T.askPrompt }).waitFor({ timeout: 30_000 });
      await chat.locator('article.assistant.done').waitFor({ timeout: 60_000 });
      await shot('7-step-chat');
      await stepCompleted(ctx.page, T.steps.askChat);
    });

    it('step 4: runs the agent on the sample task (NOTES.md written), and the step is checked off', async () => {
      await clickStepButton(ctx.page, T.steps.runAgent, T.buttons.runAgent);
      const chat = chatFrame(ctx.page);
      await chat.locator('article.agent-run.finished').waitFor({ timeout: 60_000 });
      await poll(() => existsSync(path.join(ctx.workspaceDir, 'NOTES.md')), 'NOTES.md on disk', 15_000);
      await shot('8-step-agent');
      await stepCompleted(ctx.page, T.steps.runAgent);
      await shot('9-walkthrough-done');
    });
  });
}
