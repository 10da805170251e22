// Puts rendered Markdown into an element and wires its code-block toolbars to the extension.
import type { CodeAction } from "../webview-protocol";
import { renderMarkdown } from "./markdown";

export type CodeBlockHandler = (action: CodeAction, code: string, language: string) => void;

export function renderMarkdownInto(target: HTMLElement, text: string, onCode: CodeBlockHandler): void {
  const { html, codeBlocks } = renderMarkdown(text);
  target.innerHTML = html;
  target.querySelectorAll<HTMLButtonElement>("button.code-action").forEach((button) => {
    const block = codeBlocks[Number(button.closest<HTMLElement>(".code-block")?.dataset.block)];
    if (block) button.addEventListener("click", () => onCode(button.dataset.action as CodeAction, block.code, block.language));
  });
}
