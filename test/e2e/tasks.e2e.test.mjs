// End-to-end tests of code actions and task files: the packaged .vsix in code-server, driven
// through Chromium with the tiny test model. The model's text is random, so these tests check the
// flow a person goes through, not what the model wrote: the light bulb offers Pincer's actions, the
// proposal opens as a diff, Accept changes the file (only the selected lines), Ctrl+Z undoes it in
// one step; "Pincer: Run Task…" lists the workspace's task files, asks for the task's input and
// proposes a reviewed edit for an `edit: true` task; Explain (the code action) and Explain File (the
// palette) reveal the chat with the selection or file as context and the answer streaming there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import { chatFrame, PINCER_SETTINGS, VIEWPORT, poll, reportFailure, screenshotWithMouseAt, skipUnlessRunnable, start, stop, quickOpen, waitForModelReady } from './e2e-helpers.mjs';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'tasks', '.pincer', 'tasks');
const FILE = 'math.ts';
const FUNCTION = 'export function add(a: number, b: number) {\n  return a + b;\n}\n';
const TAIL = '\nexport const zero = 0;\n';
const FIXTURE = FUNCTION + TAIL;
const USER_SETTINGS = {
  ...PINCER_SETTINGS,
  'files.autoSave': 'off',
  'editor.inlineSuggest.enabled': false,
  'editor.lightbulb.enabled': 'on',
};
const EDITOR = '.part.editor .monaco-editor';
// Kept outside .pincer/tasks so Run Task… lists only the two good tasks.
const BROKEN_TASK = '---\nname: Draft\ncolour: blue\n---\nReview {{selection}} and {{nope}}.\n';

const screenshot = (page, name) => screenshotWithMouseAt(page, name, 200, VIEWPORT.height * 0.6);

/** Selects 1-based lines first..last whole (from column 1 of `first` to column 1 of last + 1). */
async function selectLines(page, first, last) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`:${first}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator(`${EDITOR}.focused`).waitFor();
  await page.keyboard.press('Home');
  await page.keyboard.press('Home'); // the first Home may stop at the indentation
  for (let i = first; i <= last; i++) await page.keyboard.press('Shift+ArrowDown');
  // Done when the cursor is at column 1 of the line after `last` (the status shows "Ln N, Col 1 (K selected)").
  await page.waitForFunction((line) => (document.querySelector('#status\\.editor\\.selection')?.innerText ?? '').startsWith(`Ln ${line}, Col 1 (`), last + 1);
}

/** Accepts the open proposal from its notification and waits for the diff to close. */
async function acceptProposal(page, title) {
  const toast = page.locator('.notification-toast', { hasText: `Pincer: ${title}` });
  await toast.waitFor({ timeout: 120_000 });
  await page.locator('.part.editor .tab.active', { hasText: '(proposed)' }).waitFor();
  await screenshot(page, `tasks-proposal-${title.replace(/\W+/g, '-')}`);
  await toast.getByRole('button', { name: 'Accept' }).click();
  await page.locator('.part.editor .tab', { hasText: '(proposed)' }).waitFor({ state: 'detached' });
}

/**
 * Opens an empty chat (New Chat), starts recording its first answer inside the webview (a
 * MutationObserver, as in chat.e2e.test.mjs: states and text lengths as shown, e.g. "streaming:12",
 * "done:340") and then shows the Explorer in its place, so that revealing the chat is something
 * the test can see. The chat's webview stays loaded while hidden (retainContextWhenHidden).
 */
async function recordChatBehindExplorer(page) {
  await h.runCommand(page, 'Pincer: New Chat');
  const chat = chatFrame(page);
  await chat.locator('.transcript .empty').waitFor({ timeout: 30_000 });
  await chat.locator('.meter', { hasText: /tokens/ }).waitFor({ timeout: 60_000 });
  await chat.locator('body').evaluate((body) => {
    const samples = [];
    window.__answer = samples;
    const read = () => {
      const answer = body.querySelector('article.assistant');
      if (!answer) return;
      const state = ['streaming', 'done', 'stopped', 'error', 'interrupted'].find((s) => answer.classList.contains(s)) ?? 'unknown';
      const sample = `${state}:${answer.querySelector('.message-body')?.textContent.length ?? 0}`;
      if (samples.at(-1) !== sample) samples.push(sample);
    };
    new MutationObserver(read).observe(body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  });
  await h.runCommand(page, 'View: Show Explorer');
  await page.locator('.part.sidebar .composite.title', { hasText: 'Explorer' }).waitFor();
  await page.locator('iframe.webview.ready').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('.part.sidebar .composite.title', { hasText: 'Pincer' }).count(), 0, 'the chat is not showing yet');
}

/**
 * Waits for the chat to show in the side bar with the question (text prompt, sent context chips
 * [chip]) and for its answer to finish; resolves to what recordChatBehindExplorer recorded.
 */
async function followChatAnswer(page, { prompt, chip }) {
  await page.locator('.part.sidebar .composite.title', { hasText: 'Pincer' }).waitFor({ timeout: 30_000 });
  await page.locator('iframe.webview.ready').waitFor({ state: 'visible' });
  const chat = chatFrame(page);
  const question = chat.locator('article.user');
  await question.waitFor({ timeout: 30_000 });
  assert.equal((await question.locator('.message-body').innerText()).trim(), prompt);
  assert.deepEqual((await question.locator('.chips.sent .chip').allInnerTexts()).map((t) => t.trim()), [chip], 'the context is attached as a chip');
  await chat.locator('article.assistant:not(.streaming)').waitFor({ timeout: 120_000 });
  await chat.getByRole('button', { name: 'Send (Enter)' }).waitFor();
  return chat.locator('body').evaluate(() => window.__answer);
}

/** The answer streamed: it grew through two or more non-empty lengths while streaming, then finished. */
function assertStreamed(samples) {
  const parsed = samples.map((s) => { const [state, length] = s.split(':'); return { state, length: Number(length) }; });
  const streamed = new Set(parsed.filter((s) => s.state === 'streaming' && s.length > 0).map((s) => s.length));
  assert.ok(streamed.size >= 2, `the answer grew in steps while streaming: ${JSON.stringify(samples)}`);
  assert.equal(parsed.at(-1).state, 'done', `the answer finished: ${JSON.stringify(samples)}`);
  assert.ok(parsed.at(-1).length > 0, 'the finished answer is not empty');
}

async function saveAndRead(page, file, before) {
  await page.locator('.part.editor .tab.active.dirty').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Control+S');
  await page.locator('.part.editor .tab.active:not(.dirty)').waitFor();
  return poll(() => { const text = readFileSync(file, 'utf8'); return text !== before && text; }, `${path.basename(file)} to be saved`, 10_000);
}

describe('Pincer e2e: code actions and task files', function () {
  const ctx = {};

  before(async function () {
    skipUnlessRunnable(this);
    await start(ctx, {
      kind: 'tasks',
      trust: true,
      userSettings: USER_SETTINGS,
      files: {
        [FILE]: FIXTURE,
        '.pincer/tasks/add-logging.pincer.md': readFileSync(path.join(FIXTURES, 'add-logging.pincer.md'), 'utf8'),
        '.pincer/tasks/explain-for-newcomer.pincer.md': readFileSync(path.join(FIXTURES, 'explain-for-newcomer.pincer.md'), 'utf8'),
        'drafts/broken.pincer.md': BROKEN_TASK,
      },
      async ready(page) {
        await quickOpen(page, FILE);
        await waitForModelReady(page);
      },
    });
    ctx.file = path.join(ctx.workspaceDir, FILE);
  });

  afterEach(reportFailure(ctx, async (page) => {
    try {
      await page.keyboard.press('Escape');
      await h.runCommand(page, 'Pincer: Show Server Log');
      const log = await page.locator('.part.panel .monaco-editor .view-lines').first().innerText({ timeout: 10_000 });
      console.log(`    Pincer server log (visible part):\n${log}`);
    } catch { /* best effort */ }
  }));
  after(async () => stop(ctx));

  it('a code action from the light bulb proposes a diff; Accept changes the selection, Ctrl+Z undoes it', async function () {
    const { page } = ctx;
    await selectLines(page, 1, 3);
    // The light bulb shows for the selection's refactorings; clicking it opens the action list.
    const bulb = page.locator(`${EDITOR} .lightBulbWidget`);
    const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Pincer: Add documentation comment' });
    await bulb.waitFor({ state: 'visible', timeout: 30_000 });
    await bulb.click();
    if (!(await row.waitFor({ timeout: 5_000 }).then(() => true, () => false))) {
      // The bulb appears as soon as TypeScript answers; clicked at once, it can list only TypeScript's
      // actions because Pincer's answer to the same automatic request is not in yet (with a 3 s pause
      // before the click, 2 of 2 runs listed Pincer's). The explicit request (Ctrl+.) waits for every
      // provider, so it always has them.
      console.log(`    (light bulb listed ${JSON.stringify(await page.locator('.action-widget .monaco-list-row').allInnerTexts())}; asking with Ctrl+.)`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+.');
      await row.waitFor();
    }
    assert.ok(await page.locator('.action-widget .monaco-list-row', { hasText: 'Pincer: Refactor…' }).count() === 1, 'Refactor… is offered too');
    await screenshot(page, 'tasks-1-light-bulb');
    await row.click();

    await acceptProposal(page, 'Add documentation comment');
    await page.locator('.part.editor .tab.active', { hasText: FILE }).waitFor();
    const saved = await saveAndRead(page, ctx.file, FIXTURE);
    assert.ok(saved.endsWith(TAIL), `only the selected lines change; the rest stays: ${JSON.stringify(saved)}`);
    assert.notEqual(saved, FIXTURE);
    await screenshot(page, 'tasks-2-accepted');

    // One Ctrl+Z takes the whole edit back.
    await page.locator(EDITOR).first().click();
    await page.keyboard.press('Control+Z');
    const undone = await saveAndRead(page, ctx.file, saved);
    assert.equal(undone, FIXTURE, 'Ctrl+Z restores the file exactly');
  });

  it('Pincer: Run Task… lists the task files, asks for inputs and proposes a reviewed edit', async function () {
    const { page } = ctx;
    await quickOpen(page, FILE);
    await selectLines(page, 5, 5);
    await h.runCommand(page, 'Pincer: Run Task…', { opensPicker: true });
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Add logging' }).waitFor();
    assert.equal(await rows.filter({ hasText: 'Explain for a newcomer' }).count(), 1, 'both task files are listed');
    await screenshot(page, 'tasks-3-quick-pick');
    await rows.filter({ hasText: 'Add logging' }).click();
    // The task declares one input, "level".
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Add logging: level' }).waitFor();
    await input.fill('debug');
    await page.keyboard.press('Enter');

    await acceptProposal(page, 'Add logging');
    const saved = await saveAndRead(page, ctx.file, FIXTURE);
    assert.ok(saved.startsWith(FUNCTION), `only the selected line changes: ${JSON.stringify(saved)}`);
    assert.ok(!saved.includes('export const zero = 0;'), 'the selected line was replaced');
  });

  it('a .pincer.md file opens as "Pincer Task": highlighted placeholders and the server\'s diagnostics', async function () {
    const { page } = ctx;
    await quickOpen(page, 'broken.pincer.md');
    await page.locator('#status\\.editor\\.mode', { hasText: 'Pincer Task' }).waitFor();
    // The server's diagnostics: an unknown key (warning) and an unknown placeholder (error).
    // (Squiggles in this editor; the Problems count is global and math.ts may hold the model's gibberish.)
    const editor = page.locator(`${EDITOR}.focused`);
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: 30_000 });
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    // The grammar: the placeholder name is coloured unlike the prompt text around it.
    // Tokenization runs after the text shows, so wait for the placeholder's own token.
    const tokens = () => page.evaluate((editorSel) => {
      const spans = [...document.querySelectorAll(`${editorSel}.focused .view-line span > span`)];
      const find = (test) => spans.find((s) => test(s.textContent))?.className;
      return { placeholder: find((t) => t.includes('selection') && !t.includes('Review')), text: find((t) => t.startsWith('Review')) };
    }, EDITOR);
    await page.waitForFunction((editorSel) => [...document.querySelectorAll(`${editorSel}.focused .view-line span > span`)]
      .some((s) => s.textContent.includes('selection') && !s.textContent.includes('Review')), EDITOR, { timeout: 20_000 }).catch(() => {});
    const classes = await tokens();
    assert.ok(classes.placeholder && classes.text, `tokens found: ${JSON.stringify(classes)}`);
    assert.notEqual(classes.placeholder, classes.text, 'the placeholder is tokenized apart from the text');
    await screenshot(page, 'tasks-4-task-file');
  });

  it('Pincer: Explain (Ctrl+.) reveals the chat with the selection attached and the answer streaming', async function () {
    const { page } = ctx;
    await recordChatBehindExplorer(page);
    await quickOpen(page, FILE);
    await selectLines(page, 1, 3);
    // Ctrl+. (the explicit request): the automatic light bulb sometimes omits Pincer's actions (see above).
    await page.keyboard.press('Control+.');
    const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Pincer: Explain' });
    await row.waitFor({ timeout: 30_000 });
    await screenshot(page, 'tasks-5-explain-action');
    await row.click();
    const samples = await followChatAnswer(page, { prompt: 'Explain what this code does.', chip: 'math.ts:1-3' });
    assertStreamed(samples);
    await screenshot(page, 'tasks-6-explain-answered');
  });

  it('Pincer: Explain File (palette) reveals the chat with the file attached and the answer streaming', async function () {
    const { page } = ctx;
    await recordChatBehindExplorer(page);
    await quickOpen(page, FILE);
    await h.runCommand(page, 'Pincer: Explain File');
    const samples = await followChatAnswer(page, { prompt: `Explain what ${FILE} does and how it is organised.`, chip: FILE });
    assertStreamed(samples);
    await screenshot(page, 'tasks-7-explain-file-answered');
  });
});
