// End-to-end test of Pincer in Simplified Chinese: code-server runs with --locale zh-cn and a registered
// zh-cn display language (harness displayLanguage; VS Code's own UI stays English without a real language
// pack), so the extension host, vscode.l10n and package.nls.zh-cn.json are Chinese and the client sends
// initialize.locale "zh-cn" to the server. Checks Chinese text (not only pictures) in the status bar and its
// tooltip, the chat view and an agent approval card. The agent's answers are scripted (PINCER_AGENT_SCRIPT).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';
import { chatFrame, MODEL_NAME, PINCER_ITEM, PINCER_SETTINGS, poll, reportFailure, skipUnlessRunnable, start, stop } from './e2e-helpers.mjs';

const SETTINGS = {
  ...PINCER_SETTINGS,
  'files.autoSave': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  'pincer.completion.enabled': false,
  'pincer.agent.toolPermissions': { edit_file: 'ask' },
};
const FILES = { 'greet.ts': 'export const greeting = "hello";\n' };
const SCRIPT = [
  { plan: ['把问候语改成大写'] },
  { thought: '改大写。', tool: 'edit_file', args: { path: 'greet.ts', search: '"hello"', replace: '"HELLO"' } },
  { thought: '完成。', tool: 'finish', args: { summary: '问候语已改成大写。', verified: '看过差异。' } },
];
const HAN = /\p{Script=Han}/u;

describe('Pincer e2e: Simplified Chinese UI (status bar, chat, approval card)', function () {
  const ctx = {};
  let scriptDir;

  before(async function () {
    skipUnlessRunnable(this);
    scriptDir = mkdtempSync(path.join(os.tmpdir(), 'pincer-e2e-zh-script-'));
    const script = path.join(scriptDir, 'script.json');
    writeFileSync(script, JSON.stringify(SCRIPT));
    await start(ctx, { kind: 'zh-cn', trust: true, userSettings: SETTINGS, files: FILES, env: { PINCER_AGENT_SCRIPT: script }, displayLanguage: 'zh-cn' });
  });
  afterEach(reportFailure(ctx, async (page) => {
    console.log(`    status bar: ${JSON.stringify(await h.statusBarText(page).catch((e) => [e.message]))}`);
  }));
  after(async function () {
    if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
    await stop(ctx);
  });

  it('the status bar item and its tooltip are in Chinese, the memory lines (server catalogue) too', async function () {
    const { page } = ctx;
    // The state in the accessible label is the client's l10n ("就绪" = ready).
    await page.waitForFunction(([sel, text]) => {
      const item = document.querySelector(sel);
      return item?.innerText.replace(/\s+/g, ' ').trim() === text && item.getAttribute('aria-label')?.startsWith('Pincer — 就绪');
    }, [PINCER_ITEM, `${MODEL_NAME} · CPU`], { timeout: 60_000 });
    const label = await page.locator(PINCER_ITEM).getAttribute('aria-label');
    assert.match(label, new RegExp(`模型：${MODEL_NAME}`));
    assert.match(label, /后端：CPU/);
    assert.match(label, /点击选择模型/);
    // The memory report comes from the server, in initialize.locale's language.
    assert.match(label, /内存：当前常驻 \d+ MB/);
    await page.locator(PINCER_ITEM).hover();
    const tooltip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: '点击选择模型' }).first();
    await tooltip.waitFor({ timeout: 15_000 });
    assert.match(await tooltip.innerText(), /模型窗口|内存/);
    await h.screenshot(page, 'zh-cn-1-status-bar-tooltip');
    await page.mouse.move(640, 400);
  });

  it('the chat view: its title, composer, token meter and a streamed answer are in Chinese', async function () {
    const { page } = ctx;
    // The command's title from package.nls.zh-cn.json.
    await h.runCommand(page, 'Pincer: 新建聊天');
    const chat = chatFrame(page);
    const input = chat.locator('textarea.input');
    await input.waitFor({ timeout: 30_000 });
    assert.equal(await input.getAttribute('placeholder'), '向 Pincer 提问…（@ 添加上下文）');
    await chat.locator('.meter', { hasText: /个 token/ }).waitFor({ timeout: 60_000 });
    // The view's name in the side bar.
    await page.locator('#workbench\\.parts\\.sidebar').getByText('聊天', { exact: false }).first().waitFor();
    await input.fill('你好');
    await chat.getByRole('button', { name: '发送 (Enter)' }).click();
    await chat.locator('article.user', { hasText: '你好' }).waitFor();
    await chat.locator('article.assistant.done').waitFor({ timeout: 60_000 });
    assert.match(await chat.locator('.meter').innerText(), HAN);
    await h.screenshot(page, 'zh-cn-2-chat');
  });

  it('an agent approval card asks in Chinese and its Approve button applies the edit', async function () {
    const { page } = ctx;
    const chat = chatFrame(page);
    const toggle = chat.getByRole('button', { name: /^智能体模式/ });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const input = chat.locator('textarea.input');
    await input.fill('把问候语改成大写');
    await input.press('Enter');
    const card = chat.locator('.agent-approval.pending', { hasText: '第 1 步需要你的批准' });
    await card.waitFor({ timeout: 60_000 });
    assert.match(await card.innerText(), /greet\.ts/);
    await h.screenshot(page, 'zh-cn-3-approval-card');
    await card.getByRole('button', { name: /^批准/ }).click();
    await chat.locator('article.agent-run.finished').waitFor({ timeout: 60_000 });
    await poll(() => readFileSync(path.join(ctx.workspaceDir, 'greet.ts'), 'utf8').includes('"HELLO"'), 'the edit on disk', 15_000);
    assert.match(await chat.locator('article.agent-run').innerText(), /撤销运行/);
    await h.screenshot(page, 'zh-cn-4-agent-finished');
  });
});
