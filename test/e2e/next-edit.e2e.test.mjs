// End-to-end test of next-edit suggestions: the packaged .vsix in code-server, driven through
// Chromium. The test model writes random tokens, so the server answers next edits from the
// documented test seam PINCER_NEXT_EDIT_SCRIPT (the env reaches the server through code-server and
// the extension host): a scripted rewrite of the editable region that goes through the server's
// real edit history, window, Zeta prompt and parser. Everything in the editor is real: the typed
// rename, the decoration at the parameter's use, Tab to jump, Tab to accept, Escape to dismiss,
// and IntelliSense opening over a suggestion.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';
import { PINCER_SETTINGS, VIEWPORT, VSIX, poll, quickOpen, reportFailure, skipUnlessRunnable, stop, waitForModelReady } from './e2e-helpers.mjs';

const SETTINGS = {
  ...PINCER_SETTINGS,
  'files.autoSave': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  // No ghost text and no IntelliSense popping up while typing: Tab is the next edit's.
  'pincer.completion.enabled': false,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'pincer.nextEdit.enabled': true,
  'pincer.nextEdit.format': 'zeta',
  'pincer.nextEdit.debounceMs': 300,
};
const source = (name) => `export function ${name}(w: number, h: number) {\n  const a = w * h;\n  return a;\n}\n`;
const FILES = { 'area.ts': source('area'), 'size.ts': source('size'), 'span.ts': source('span') };
// The scripted model: the rename follows to the parameter's use (the last answer repeats; once the
// use is renamed there is nothing left to replace, so no further suggestion).
const SCRIPT = [{ search: 'w * h', replace: 'width * h' }];
const EDITOR = '.part.editor .monaco-editor';

/** The next-edit preview's text in the editor (an `after` decoration: CSS content or injected text), or ''. */
function previewText(page) {
  return page.evaluate((editorSel) => {
    const editor = document.querySelector(editorSel);
    if (!editor) return '';
    for (const el of editor.querySelectorAll('.view-lines span')) {
      for (const text of [el.textContent ?? '', getComputedStyle(el, '::after').content, getComputedStyle(el, '::before').content]) {
        if (text.includes('→')) return text.replace(/^"|"$/g, '');
      }
    }
    return '';
  }, EDITOR);
}

/** Opens `file`, puts the cursor after the parameter `w` and types the rest of `width`. */
async function renameParameter(page, file) {
  await quickOpen(page, file);
  await page.keyboard.press('Control+Home');
  const column = `export function ${path.basename(file, '.ts')}(w`.length;
  for (let i = 0; i < column; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.type('idth');
}

const cursorAt = (page) => page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first().innerText();

describe('Pincer e2e: next-edit suggestions', function () {
  const ctx = {};
  let scriptDir;
  const read = (name) => readFileSync(path.join(ctx.workspaceDir, name), 'utf8');

  before(async function () {
    skipUnlessRunnable(this);
    scriptDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-nes-script-'));
    const script = path.join(scriptDir, 'script.json');
    writeFileSync(script, JSON.stringify(SCRIPT));
    ctx.workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-ws-nes-'));
    for (const [name, content] of Object.entries(FILES)) writeFileSync(path.join(ctx.workspaceDir, name), content);
    ctx.server = await h.startCodeServer({ vsixPath: VSIX, workspaceDir: ctx.workspaceDir, userSettings: SETTINGS, env: { PINCER_NEXT_EDIT_SCRIPT: script } });
    ctx.browser = await h.launchBrowser();
    ctx.page = await ctx.browser.newPage({ viewport: VIEWPORT });
    await h.openWorkbench(ctx.page, ctx.server.url, ctx.workspaceDir, { trust: true });
    // The extension and its server are up (edits before that would not reach the edit history).
    await quickOpen(ctx.page, 'area.ts');
    await waitForModelReady(ctx.page);
  });
  afterEach(reportFailure(ctx, async (page) => console.log(`    next-edit preview: ${JSON.stringify(await previewText(page).catch((e) => e.message))}`)));
  after(async function () {
    if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
    await stop(ctx);
  });

  it('after a parameter rename, shows the rename at its use; Tab jumps there, Tab accepts', async function () {
    const { page } = ctx;
    await renameParameter(page, 'area.ts');
    await poll(async () => (await previewText(page)).includes('const a = width * h;'), 'the next-edit preview at the use of the parameter', 60_000);
    assert.match(await cursorAt(page), /^Ln 1, Col 27\b/);
    await h.screenshot(page, 'next-edit-1-suggestion');

    await page.keyboard.press('Tab');
    await poll(async () => /^Ln 2, Col 1\b/.test(await cursorAt(page)), 'the cursor at the suggestion (Ln 2, Col 1)', 15_000);
    assert.equal(read('area.ts'), FILES['area.ts'], 'the jump changes nothing');
    await page.keyboard.press('Tab');
    await poll(async () => (await previewText(page)) === '', 'the preview gone after accepting', 15_000);
    await page.keyboard.press('Control+S');
    const expected = FILES['area.ts'].replace('(w:', '(width:').replace('w * h', 'width * h');
    await poll(() => read('area.ts') === expected, 'the accepted edit saved to disk', 15_000);
    await h.screenshot(page, 'next-edit-2-accepted');
  });

  it('Escape dismisses the suggestion and leaves the text as it was', async function () {
    const { page } = ctx;
    await renameParameter(page, 'size.ts');
    await poll(async () => (await previewText(page)).includes('const a = width * h;'), 'the next-edit preview', 60_000);
    await page.keyboard.press('Escape');
    await poll(async () => (await previewText(page)) === '', 'the preview gone after Escape', 15_000);
    // Tab is the editor's again: it indents instead of taking the suggestion.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+S');
    await poll(() => read('size.ts').startsWith('export function size(width  '), 'Tab typed into the file', 15_000);
    assert.match(read('size.ts'), /const a = w \* h;/);
  });

  it('IntelliSense opening over a suggestion takes it away', async function () {
    const { page } = ctx;
    await renameParameter(page, 'span.ts');
    await poll(async () => (await previewText(page)).includes('const a = width * h;'), 'the next-edit preview', 60_000);
    // IntelliSense where TypeScript has completions: on `a` in `return a;` (the suggestion stays on line 2).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    await page.locator(`${EDITOR} .suggest-widget.visible .monaco-list-row.focused`).waitFor({ timeout: 15_000 });
    await poll(async () => (await previewText(page)) === '', 'the preview gone while the suggest widget is open', 15_000);
    await h.screenshot(page, 'next-edit-3-intellisense-open');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+S');
    await poll(() => read('span.ts') === FILES['span.ts'].replace('(w:', '(width:'), 'nothing accepted', 15_000);
  });
});
