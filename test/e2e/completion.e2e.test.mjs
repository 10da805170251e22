// End-to-end tests of inline completions (ghost text): the packaged .vsix in code-server 4.99.4
// (VS Code 1.99.3), driven through headless Chromium with the tiny test model. Run with
// `node test/e2e/run.mjs`.
//
// The test model has random weights: what it suggests is gibberish, and for some prefixes it is
// blank (the server then offers nothing). So the tests type on, a few characters at a time, until
// ghost text shows, within a deadline. Greedy sampling keeps a given prompt's answer stable.
//
// Every wait waits on an event (a DOM change recorded by a MutationObserver) or polls with a
// deadline; there are no fixed sleeps. Each test saves screenshots to .e2e/screenshots/, and a
// failing test saves a FAILED-<test>.png there too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import {
  PINCER_SETTINGS, VIEWPORT, poll, reportFailure, screenshotWithMouseAt, skipUnlessRunnable, start, stop, quickOpen, waitForModelReady } from './e2e-helpers.mjs';

const USER_SETTINGS = {
  ...PINCER_SETTINGS,
  // Short single-line suggestions: quick to generate, and they fit on screen.
  'pincer.completion.maxLines': 1,
  'pincer.completion.maxTokens': 8,
  'editor.inlineSuggest.enabled': true,
  // No IntelliSense widget: while it is open VS Code gives Tab to the widget, not to the ghost
  // text (the inlineSuggest.commit keybinding requires !suggestWidgetVisible), and the widget pops
  // up on identifiers whenever TypeScript or word-based suggestions know a match.
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  // The web workbench auto-saves after 1 s by default (desktop VS Code does not): off, so that the
  // file on disk changes only on Ctrl+S and shows exactly what the editor held then.
  'files.autoSave': 'off',
};
const FILE = 'cart.ts';
const FIXTURE = `// Shopping cart totals: line items, an optional discount and tax.
export interface LineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface Cart {
  items: LineItem[];
  discountPercent?: number;
  taxRate: number;
}

export function subtotal(cart: Cart): number {
  let sum = 0;
  for (const item of cart.items) {
    sum += item.quantity * item.unitPrice;
  }
  return sum;
}

export function total(cart: Cart): number {
  const base = subtotal(cart);
  const discount = cart.discountPercent ? base * (cart.discountPercent / 100) : 0;
  const taxed = (base - discount) * (1 + cart.taxRate);
  return Math.round(taxed * 100) / 100;
}

export function itemCount(cart: Cart): number {
  return cart.items.reduce((count, item) => count + item.quantity, 0);
}
`;

// The focused code editor in the editor area (not the Output panel's editor).
const EDITOR = '.part.editor .monaco-editor';
// How VS Code 1.99 renders an inline suggestion: the part on the cursor's line as spans with class
// ghost-text-decoration inside that .view-line (one span per token colour, spaces as U+00A0);
// further lines in a view zone (.view-zones .ghost-text); ghost-text-decoration-preview is the
// variant shown while the suggest widget previews an item.
const GHOST_INLINE = '.view-lines .ghost-text-decoration, .view-lines .ghost-text-decoration-preview';
const GHOST_LINES = '.view-zones .ghost-text .view-line';
// Ghost text counts as settled when it has not changed for this long (the tiny model answers in
// well under this, and typing has stopped): the suggestion is then the answer to the last keystroke.
const SETTLE_MS = 750;

// ---------------------------------------------------------------------------------------------
// Helpers

const nbsp = (text) => text.replace(/\u00a0/g, ' ');

/**
 * Asserts that `actual` (text from the file) is `expected` (ghost text read from the DOM, spaces
 * as U+00A0). Exact, except where the editor cannot show the text as it is: a tab (drawn as
 * spaces up to the next tab stop) or a control character (drawn as a symbol) in a suggestion;
 * then only the other characters are compared, with whitespace runs squeezed.
 */
function assertSameText(actual, expected, message) {
  expected = nbsp(expected);
  if (actual === expected || !/[\t\x00-\x08\x0b-\x1f\x7f]/.test(actual)) {
    assert.equal(actual, expected, message);
    return;
  }
  const squeeze = (text) => text.replace(/[\x00-\x08\x0b-\x1f\x7f\u2400-\u243f]/g, '').replace(/\s+/g, ' ');
  console.log(`    (tab or control character in the suggestion: compared without them: ${JSON.stringify(actual)})`);
  assert.equal(squeeze(actual), squeeze(expected), message);
}

const lineIndex = (text, line) => text.split('\n').indexOf(line);

/**
 * Records every change of the editor's ghost text in window.__ghost, as {text, extraLines, at}
 * entries (text: the part on the cursor's line; extraLines: the lines of a multi-line suggestion
 * after the first), from a MutationObserver on the editor area.
 */
async function recordGhostText(page) {
  await page.evaluate(([editorSel, inlineSel, linesSel]) => {
    const log = (window.__ghost = []);
    const read = () => {
      const editor = document.querySelector(editorSel);
      const text = editor ? [...editor.querySelectorAll(inlineSel)].map((e) => e.textContent).join('') : '';
      const extraLines = editor ? [...editor.querySelectorAll(linesSel)].map((e) => e.textContent) : [];
      const entry = { text, extraLines, at: Date.now() };
      const last = log.at(-1);
      if (!last || last.text !== entry.text || last.extraLines.join('\n') !== entry.extraLines.join('\n')) log.push(entry);
    };
    window.__readGhost = () => { read(); return log.at(-1); };
    read();
    new MutationObserver(read).observe(document.querySelector('.part.editor'),
      { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  }, [EDITOR, GHOST_INLINE, GHOST_LINES]);
}

const ghostHistory = (page) => page.evaluate(() => window.__ghost.slice());

/**
 * Waits until ghost text shows and has settled (unchanged for SETTLE_MS) after entry `mark` of
 * the ghost log; returns that entry, or undefined when none settles within timeoutMs.
 */
async function waitForSettledGhost(page, mark, timeoutMs) {
  try {
    await page.waitForFunction(([m, settle]) => {
      const log = window.__ghost;
      const last = log.at(-1);
      return log.length > m && last.text.trim() !== '' && Date.now() - last.at >= settle;
    }, [mark, SETTLE_MS], { timeout: timeoutMs, polling: 50 });
  } catch {
    return undefined;
  }
  return (await ghostHistory(page)).at(-1);
}

/**
 * Types `first`, then each of `more` in turn (50 ms between keys, as a person types), until ghost
 * text shows and settles. Returns {typed, ghost}: everything typed, and the settled ghost entry.
 */
async function typeUntilGhostText(page, first, more, { attemptMs = 8_000, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let typed = '';
  for (const chunk of [first, ...more]) {
    const mark = (await ghostHistory(page)).length;
    await page.keyboard.type(chunk, { delay: 50 });
    typed += chunk;
    const ghost = await waitForSettledGhost(page, mark, Math.max(1, Math.min(attemptMs, deadline - Date.now())));
    if (ghost) return { typed, ghost };
    if (Date.now() >= deadline) break;
  }
  const history = await ghostHistory(page);
  throw new Error(`no ghost text settled after typing ${JSON.stringify(typed)}; ghost text history:\n${formatGhost(history)}`);
}

const formatGhost = (history) => history.map((e) => `  ${new Date(e.at).toISOString()} ${JSON.stringify(e.text)}${e.extraLines.length ? ` +${JSON.stringify(e.extraLines)}` : ''}`).join('\n');

/**
 * Presses `key` and returns the ghost text the page showed at that moment (read in a capturing
 * keydown listener, before the editor handles the key), so that what was accepted is exactly what
 * was on screen even if a late suggestion arrived just before. For a chord (Control+ArrowRight)
 * the reading is taken at its first keydown.
 */
async function pressOnGhost(page, key) {
  await page.evaluate(() => {
    window.__ghostAtKey = undefined;
    window.addEventListener('keydown', () => { window.__ghostAtKey = window.__readGhost(); }, { capture: true, once: true });
  });
  await page.keyboard.press(key);
  const atKey = await page.evaluate(() => window.__ghostAtKey);
  assert.ok(atKey, `the keydown listener did not see ${key}`);
  return atKey;
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits until its editor has focus. */
/** Saves the active editor when it has unsaved changes (what a failed test may leave behind). */
async function saveIfDirty(page) {
  if (await page.locator('.part.editor .tab.active.dirty').count() === 0) return;
  await page.keyboard.press('Control+S');
  await page.locator('.part.editor .tab.active:not(.dirty)').waitFor({ timeout: 10_000 });
}

/** Moves the cursor to the end of a 1-based line with Go to Line (Ctrl+G) and End. */
async function goToLineEnd(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator(`${EDITOR}.focused`).waitFor();
  await page.keyboard.press('End');
  await page.waitForFunction((l) => /^Ln \d+, Col \d+/.test(document.querySelector('#status\\.editor\\.selection')?.innerText ?? '')
    && document.querySelector('#status\\.editor\\.selection').innerText.startsWith(`Ln ${l},`), line);
}

/** Saves the active editor (Ctrl+S) and returns the file's new content once it is on disk. */
async function saveAndRead(page, file, before) {
  await page.locator('.part.editor .tab.active.dirty').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Control+S');
  await page.locator('.part.editor .tab.active:not(.dirty)').waitFor();
  return poll(() => { const text = readFileSync(file, 'utf8'); return text !== before && text; }, `${path.basename(file)} to be saved`, 10_000);
}

/** A screenshot with the mouse parked over the Explorer's empty space (no hover in the editor). */
const screenshot = (page, name) => screenshotWithMouseAt(page, name, 200, VIEWPORT.height * 0.6);

// ---------------------------------------------------------------------------------------------

describe('Pincer e2e: inline completion (ghost text)', function () {
  const ctx = {};

  before(async function () {
    skipUnlessRunnable(this);
    await start(ctx, {
      kind: 'completion',
      trust: true,
      userSettings: USER_SETTINGS,
      files: { [FILE]: FIXTURE },
      async ready(page) {
        await quickOpen(page, FILE);
        await recordGhostText(page);
        // Ready: the model is loaded (the aria-label spells the state out).
        await waitForModelReady(page);
      },
    });
    ctx.file = path.join(ctx.workspaceDir, FILE);
  });

  afterEach(reportFailure(ctx, async (page) => {
    try { console.log(`    ghost text history:\n${formatGhost(await ghostHistory(page))}`); } catch { /* page gone */ }
    try {
      // The server's side of the story: completion errors and cancellations land in its log.
      await h.runCommand(page, 'Pincer: Show Server Log');
      const log = await page.locator('.part.panel .monaco-editor .view-lines').first().innerText({ timeout: 10_000 });
      console.log(`    Pincer server log (visible part):\n${log}`);
    } catch { /* best effort */ }
  }));

  after(async function () {
    await stop(ctx);
  });

  it('typing in a file shows ghost text and Tab accepts it', async function () {
    const { page } = ctx;
    await saveIfDirty(page);
    const before = readFileSync(ctx.file, 'utf8');
    // A new line in subtotal()'s body, after "let sum = 0;" (Enter keeps the indentation).
    const anchor = lineIndex(before, '  let sum = 0;');
    await goToLineEnd(page, anchor + 1);
    await page.keyboard.press('Enter');
    const { typed, ghost } = await typeUntilGhostText(page, 'const largest', ['Price', 'Item', ' = max', 'Unit', 'Value']);
    assert.deepEqual(ghost.extraLines, [], 'with pincer.completion.maxLines 1 the suggestion is a single line');
    await screenshot(page, 'completion-1-ghost-text');

    const accepted = await pressOnGhost(page, 'Tab');
    assert.notEqual(accepted.text.trim(), '', 'ghost text was showing when Tab was pressed');
    const saved = await saveAndRead(page, ctx.file, before);
    const lines = saved.split('\n');
    const line = lines[anchor + 1];
    assert.ok(line.startsWith(`  ${typed}`), `line ${JSON.stringify(line)} should be indented as the function body and start with the typed ${JSON.stringify(typed)}`);
    assertSameText(line.slice(`  ${typed}`.length), accepted.text,
      `the new line should be the typed text followed by the ghost text ${JSON.stringify(nbsp(accepted.text))}; it is ${JSON.stringify(line)}`);
    // Nothing else changed.
    assert.deepEqual([...lines.slice(0, anchor + 1), ...lines.slice(anchor + 2)], before.split('\n'));
    await screenshot(page, 'completion-2-tab-accepted');
  });

  it('Ctrl+Right accepts the next word of the ghost text', async function () {
    const { page } = ctx;
    await saveIfDirty(page);
    const before = readFileSync(ctx.file, 'utf8');
    // A new line in total()'s body, after "const base = subtotal(cart);".
    const anchor = lineIndex(before, '  const base = subtotal(cart);');
    await goToLineEnd(page, anchor + 1);
    await page.keyboard.press('Enter');
    const { typed } = await typeUntilGhostText(page, 'const shipping', ['Fee', 'Cost', ' = flat', 'Rate', 'Amount']);
    await screenshot(page, 'completion-3-ghost-text-before-next-word');

    const mark = (await ghostHistory(page)).length;
    const shown = await pressOnGhost(page, 'Control+ArrowRight');
    const ghost = nbsp(shown.text);
    assert.notEqual(ghost.trim(), '', 'ghost text was showing when Ctrl+Right was pressed');

    const saved = await saveAndRead(page, ctx.file, before);
    const line = saved.split('\n')[anchor + 1];
    assert.ok(line.startsWith(`  ${typed}`), `line ${JSON.stringify(line)} should be indented as the function body and start with the typed ${JSON.stringify(typed)}`);
    const inserted = line.slice(`  ${typed}`.length);
    assert.notEqual(inserted, '', 'Ctrl+Right inserted nothing');
    assert.ok(ghost.startsWith(inserted), `inserted ${JSON.stringify(inserted)} is not a prefix of the ghost text ${JSON.stringify(ghost)}`);
    if (/\S\s+\S/.test(ghost.trim())) assert.ok(inserted.length < ghost.length, `Ctrl+Right accepted all of ${JSON.stringify(ghost)}, not one word`);
    // The rest of the suggestion stays on screen as ghost text (when some is left).
    const rest = ghost.slice(inserted.length);
    if (rest.trim() !== '') {
      await page.waitForFunction(([m, want]) => window.__ghost.slice(m).some((e) => e.text.replace(/\u00a0/g, ' ') === want),
        [mark, rest], { timeout: 10_000 }).catch(async () => {
        throw new Error(`after accepting ${JSON.stringify(inserted)} the rest ${JSON.stringify(rest)} never showed; ghost text history:\n${formatGhost((await ghostHistory(page)).slice(mark - 1))}`);
      });
    }
    await screenshot(page, 'completion-4-next-word-accepted');
  });
});
