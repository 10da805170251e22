// End-to-end tests of the chat sidebar: the packaged .vsix in code-server, driven through Chromium.
// The test model writes random tokens, so these check the mechanics (streaming, Stop, applying a
// code block through the diff review, the look in dark and light themes), not what it says.
//
// A deterministic code block: the user's own message is rendered as Markdown too, with the same
// code-block toolbar as answers, so the test sends a message that contains a fenced block and
// applies that. The code path after the click (target choice, diff review, applyEdit) is the one
// an answer's block takes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import { chatFrame, PINCER_SETTINGS, poll, reportFailure, skipUnlessRunnable, start, stop } from './e2e-helpers.mjs';

const SETTINGS = { ...PINCER_SETTINGS, 'files.autoSave': 'off', 'workbench.colorTheme': 'Default Dark Modern', 'pincer.completion.enabled': false };
const FILE = 'notes.ts';
const ORIGINAL = 'export const answer = 41;\n';
const BLOCK = 'export const answer = 42;\n';
const EDITOR = '.part.editor .monaco-editor';

/** Files under dir whose names end with suffix. */
function findFiles(dir, suffix) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findFiles(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}

async function openChat(page) {
  await h.runCommand(page, 'Pincer: New Chat');
  const chat = chatFrame(page);
  await chat.locator('textarea.input').waitFor({ timeout: 30_000 });
  // The token meter answers once the model is loaded.
  await chat.locator('.meter', { hasText: /tokens/ }).waitFor({ timeout: 60_000 });
  return chat;
}

/** Records each change of the last answer's text length in window.__lengths (inside the webview). */
async function recordAnswerLengths(chat) {
  await chat.locator('body').evaluate((body) => {
    window.__lengths = [];
    const read = () => {
      const answers = body.querySelectorAll('article.assistant .message-body');
      const length = answers.length ? answers[answers.length - 1].textContent.length : 0;
      if (window.__lengths.at(-1) !== length) window.__lengths.push(length);
    };
    new MutationObserver(read).observe(body, { subtree: true, childList: true, characterData: true });
  });
}

async function send(chat, text) {
  // Idle (the Send button shows instead of Stop) before typing the next message.
  await chat.getByRole('button', { name: 'Send (Enter)' }).waitFor({ timeout: 60_000 });
  const input = chat.locator('textarea.input');
  await input.fill(text);
  await input.press('Enter');
}

describe('Pincer e2e: chat sidebar', function () {
  const ctx = {};
  before(async function () {
    skipUnlessRunnable(this);
    await start(ctx, { kind: 'chat', trust: true, userSettings: SETTINGS, files: { [FILE]: ORIGINAL } });
  });
  afterEach(reportFailure(ctx, async (page) => {
    const entries = await chatFrame(page).locator('.transcript').evaluate((t) => [...t.children].map((c) => `${c.className}: ${c.textContent.slice(0, 100)}`)).catch((e) => [e.message]);
    console.log(`    chat transcript:\n      ${entries.join('\n      ')}`);
  }));
  after(async function () {
    await stop(ctx);
  });

  it('sends a message and shows the reply as it streams', async function () {
    const chat = await openChat(ctx.page);
    await recordAnswerLengths(chat);
    await send(chat, 'Say hello');
    await chat.locator('article.user', { hasText: 'Say hello' }).waitFor();
    await chat.locator('article.assistant.done').waitFor({ timeout: 60_000 });
    const lengths = await chat.locator('body').evaluate(() => window.__lengths);
    const growing = lengths.filter((n) => n > 0);
    assert.ok(growing.length >= 2, `the answer grew in steps while streaming: ${JSON.stringify(lengths)}`);
    assert.ok((await chat.locator('article.assistant.done .message-body').innerText()).trim().length > 0);
    await h.screenshot(ctx.page, 'chat-1-streamed-reply-dark');
  });

  it('Stop ends the generation at once', async function () {
    const chat = chatFrame(ctx.page);
    await send(chat, 'Tell a very long story about a lighthouse');
    await chat.locator('article.assistant.streaming .message-body:not(:empty)').waitFor({ timeout: 60_000 });
    await chat.getByRole('button', { name: 'Stop generating (Escape)' }).click();
    const last = chat.locator('article.assistant').last();
    const settled = await poll(async () => {
      const classes = await last.getAttribute('class');
      return /\b(stopped|done|error)\b/.test(classes) ? classes : undefined;
    }, 'the answer to end', 10_000);
    assert.match(settled, /\bstopped\b/, 'the answer ended because of Stop');
    const answer = chat.locator('article.assistant').last();
    const atStop = (await answer.locator('.message-body').innerText()).length;
    // The send button is back, and the answer no longer changes.
    await chat.getByRole('button', { name: 'Send (Enter)' }).waitFor();
    assert.equal((await answer.locator('.message-body').innerText()).length, atStop);
    assert.match(await answer.innerText(), /Stopped/);
    await h.screenshot(ctx.page, 'chat-2-stopped');
  });

  it('applies a code block through the diff review, and Undo reverts it', async function () {
    const { page } = ctx;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill(FILE);
    await page.locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: FILE }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tab.active', { hasText: FILE }).waitFor();

    const chat = chatFrame(page);
    await send(chat, `Use this:\n\n\`\`\`ts\n${BLOCK}\`\`\``);
    const block = chat.locator('article.user').last().locator('.code-block');
    await block.waitFor();
    assert.match(await block.locator('code.hljs').innerHTML(), /hljs-keyword/, 'the block is syntax-highlighted');
    // Stop the answer to this message: only the user's block matters here.
    await chat.getByRole('button', { name: 'Stop generating (Escape)' }).click().catch(() => {});
    await chat.getByRole('button', { name: 'Send (Enter)' }).waitFor({ timeout: 60_000 });

    await block.getByRole('button', { name: 'Apply to file…' }).click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `Replace all of ${FILE}` });
    await row.click();
    // The diff editor opens with the proposal; nothing has changed yet.
    await page.locator('.part.editor .tab.active', { hasText: /proposed/ }).waitFor();
    assert.equal(readFileSync(path.join(ctx.workspaceDir, FILE), 'utf8'), ORIGINAL);
    await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: '42' }).waitFor();
    await page.locator('.monaco-diff-editor .editor.original .view-lines', { hasText: '41' }).waitFor();
    await h.screenshot(page, 'chat-3-apply-diff');
    await page.locator('.notifications-toasts').getByRole('button', { name: 'Accept' }).click();
    await page.locator('.part.editor .tab', { hasText: /proposed/ }).waitFor({ state: 'detached' });

    const editorText = () => page.locator(`${EDITOR} .view-lines`).first().innerText();
    await poll(async () => (await editorText()).includes('42'), 'the editor to show the applied block', 10_000);
    assert.equal(readFileSync(path.join(ctx.workspaceDir, FILE), 'utf8'), ORIGINAL, 'applied as an edit, not written behind the editor');
    await page.locator(`${EDITOR} .view-lines`).first().click();
    await page.keyboard.press('Control+Z');
    await poll(async () => (await editorText()).includes('41'), 'Undo to restore the original', 10_000);
  });

  it('keeps conversations encrypted on disk and reopens them from Open Chat History', async function () {
    const { page } = ctx;
    const files = poll(() => {
      const found = findFiles(ctx.server.userDataDir, '.pchat');
      return found.length ? found : undefined;
    }, 'a stored conversation under the workspace storage', 10_000);
    for (const file of await files) {
      const raw = readFileSync(file, 'utf8');
      assert.ok(!raw.includes('Say hello') && !raw.includes('lighthouse'), `${file} holds no plaintext`);
    }
    await h.runCommand(page, 'Pincer: New Chat');
    const chat = chatFrame(page);
    await chat.locator('.empty').waitFor();
    await h.runCommand(page, 'Pincer: Open Chat History', { opensPicker: true });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Say hello' }).click();
    await chat.locator('article.user', { hasText: 'Say hello' }).waitFor();
    assert.equal(await chat.locator('#chat-title').textContent(), 'Say hello');
    assert.ok((await chat.locator('article.assistant.stopped').count()) >= 1, 'a stopped answer is stored as stopped');
    await h.screenshot(page, 'chat-6-reopened-from-history');
  });

  for (const [theme, bodyClass, shot] of [
    ['Light Modern', 'vscode-light', 'chat-4-light-theme'],
    ['Dark High Contrast', 'vscode-high-contrast', 'chat-5-high-contrast-theme'],
  ]) {
    it(`follows the ${theme} theme`, async function () {
      const { page } = ctx;
      await h.runCommand(page, 'Preferences: Color Theme', { opensPicker: true });
      const input = page.locator('.quick-input-widget .quick-input-box input[placeholder^="Select Color Theme"]');
      await input.waitFor();
      await input.fill(theme);
      await page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${theme}$`) }) }).click();
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      // The webview follows: VS Code puts the theme kind on its body and the colours in variables.
      const chat = chatFrame(page);
      await chat.locator(`body.${bodyClass}`).waitFor({ timeout: 20_000 });
      const colours = await chat.locator('body').evaluate((b) => ({ bg: getComputedStyle(b).backgroundColor, fg: getComputedStyle(b).color }));
      assert.notEqual(colours.bg, colours.fg);
      await page.mouse.move(900, 600);
      await h.screenshot(page, shot);
    });
  }
});
