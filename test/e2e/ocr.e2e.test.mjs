// End-to-end: right-click an image in the explorer, choose "Pincer: OCR Document to Markdown",
// and the recognised text opens as Markdown beside it. OCR needs no model, so this runs without
// the test model (the server stays in no-model).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import * as h from './harness.mjs';
import { PINCER_ITEM, VSIX, reportFailure, start, stop } from './e2e-helpers.mjs';

const IMAGE = 'receipt.png';
const LINES = ['Pincer OCR reads this receipt', 'Total due 42.50 EUR'];
const COMMAND = 'Pincer: OCR Document to Markdown';

function receiptPng() {
  const canvas = createCanvas(1100, 260);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#111111';
  g.font = "44px 'DejaVu Sans'";
  LINES.forEach((line, i) => g.fillText(line, 40, 90 + i * 90));
  return canvas.toBuffer('image/png');
}

/** Text of every editor on screen, one string per editor, with non-breaking spaces as spaces. */
const editorTexts = (page) => page.locator('.part.editor .monaco-editor .view-lines').evaluateAll((all) => all.map((e) => e.innerText.replace(/\u00a0/g, ' ')));

describe('Pincer e2e: OCR from the explorer', function () {
  const ctx = {};

  before(async function () {
    if (!h.isE2eInstalled()) {
      console.warn('    skipped: code-server and Chromium are not installed; run test/e2e/setup');
      this.skip();
    }
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run the tier with node test/e2e/run.mjs (it packages the extension)`);
    await start(ctx, {
      kind: 'ocr',
      trust: true,
      userSettings: { 'pincer.gpu': 'off', 'files.autoSave': 'off', 'workbench.startupEditor': 'none' },
      files: { [IMAGE]: receiptPng(), 'notes.txt': 'not an image\n' },
      async ready(page) {
        // The extension is up once its status bar item shows.
        await page.locator(PINCER_ITEM).waitFor({ timeout: 60_000 });
      },
    });
  });

  afterEach(reportFailure(ctx, async (page) => {
    try { console.log(`    editors: ${JSON.stringify(await editorTexts(page))}`); } catch { /* page gone */ }
  }));

  after(async function () {
    await stop(ctx);
  });

  it('offers the command on images only, and opens the OCR Markdown beside the image', async () => {
    const { page } = ctx;
    const row = (name) => page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name }).first();
    const item = page.locator('.monaco-menu .action-item').filter({ hasText: COMMAND });

    // A text file: the command is not in its menu.
    await row('notes.txt').click({ button: 'right' });
    await page.locator('.monaco-menu .action-item').first().waitFor();
    assert.equal(await item.count(), 0, 'no OCR entry for a text file');
    await page.keyboard.press('Escape');
    await page.locator('.monaco-menu').waitFor({ state: 'detached' });

    await row(IMAGE).click({ button: 'right' });
    await item.waitFor({ timeout: 10_000 });
    await h.screenshot(page, 'ocr-1-explorer-menu');
    await item.click();
    // Under load the menu can swallow the first click while it settles; the entry stays
    // highlighted, so Enter runs it.
    await page.locator('.monaco-menu').waitFor({ state: 'detached', timeout: 5_000 })
      .catch(async () => { await item.hover(); await page.keyboard.press('Enter'); });

    // The Markdown opens in a second editor group, beside the source.
    await page.waitForFunction((expected) => [...document.querySelectorAll('.part.editor .monaco-editor .view-lines')]
      .some((e) => e.innerText.replace(/\u00a0/g, ' ').includes(expected)), LINES[0], { timeout: 90_000 });
    const texts = await editorTexts(page);
    const markdown = texts.find((t) => t.includes(LINES[0]));
    // Markdown editors wrap long lines; the header is checked with the wrap taken out.
    assert.match(markdown.replace(/\n/g, ''), /<!-- OCR of receipt\.png: 1 of 1 page\(s\), mean confidence \d+(\.\d)?% -->/);
    assert.match(markdown, /Total due 42\.50 EUR/);
    assert.equal(await page.locator('.part.editor .editor-group-container').count(), 2, 'opened beside the source');
    // Group by group, the tab titles: the image on the left (it opens after the Markdown), the
    // Markdown (named after its first line) on the right.
    const tabTitles = () => [...document.querySelectorAll('.part.editor .editor-group-container')]
      .map((g) => [...g.querySelectorAll('.tab')].map((t) => t.innerText.replace(/\s+/g, ' ').trim()));
    await page.waitForFunction(`(${tabTitles})()[0]?.some((t) => t.includes(${JSON.stringify(IMAGE)}))`, undefined, { timeout: 30_000 })
      .catch(() => undefined);
    const groups = await page.evaluate(`(${tabTitles})()`);
    assert.ok(groups[0].some((t) => t.includes(IMAGE)), `the image is open in the first group: ${JSON.stringify(groups)}`);
    assert.ok(groups[1].some((t) => t.includes(LINES[0])), `the Markdown is open in the second group: ${JSON.stringify(groups)}`);
    assert.ok(!groups[0].some((t) => t.includes(LINES[0])), `the Markdown is not also open in the first group: ${JSON.stringify(groups)}`);
    await page.mouse.move(5, 5);
    await h.screenshot(page, 'ocr-2-markdown-beside');
  });
});
