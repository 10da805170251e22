// Markdown for chat messages: markdown-it with raw HTML off (model output is untrusted) and
// highlight.js for code blocks. Each fenced block gets a toolbar; its raw code is kept by index so
// the actions get the exact text, not what the DOM shows.
import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";
import { t } from "./l10n";

export interface RenderedMarkdown {
  html: string;
  codeBlocks: { code: string; language: string }[];
}

const md = new MarkdownIt({ html: false, linkify: false, breaks: false });
// Links and images in model output are shown, never followed or loaded: VS Code's webview host opens
// any clicked <a href> itself (preventDefault does not stop it), and a link can carry workspace data
// out. The target is kept visible in the text's tooltip.
md.renderer.rules.link_open = (tokens, index) => `<span class="md-link" title="${md.utils.escapeHtml(String(tokens[index]!.attrGet("href") ?? ""))}">`;
md.renderer.rules.link_close = () => "</span>";
md.renderer.rules.image = (tokens, index) => {
  const token = tokens[index]!;
  return `<span class="md-link" title="${md.utils.escapeHtml(String(token.attrGet("src") ?? ""))}">[image: ${md.utils.escapeHtml(token.content)}]</span>`;
};

/** A fence longer than any backtick run in `code`, so the code cannot close its block early. */
export function fenced(language: string, code: string): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${code.replace(/\n$/, "")}\n${fence}`;
}

export function renderMarkdown(text: string): RenderedMarkdown {
  const codeBlocks: RenderedMarkdown["codeBlocks"] = [];
  const env = { codeBlocks };
  md.renderer.rules.fence = (tokens, index, _options, env_) => {
    const token = tokens[index]!;
    const language = token.info.trim().split(/\s+/)[0] ?? "";
    const blocks = (env_ as typeof env).codeBlocks;
    const blockIndex = blocks.push({ code: token.content, language }) - 1;
    const highlighted = highlight(token.content, language);
    const label = md.utils.escapeHtml(language || "text");
    return (
      `<div class="code-block" data-block="${blockIndex}">` +
      `<div class="code-toolbar" role="toolbar" aria-label="${md.utils.escapeHtml(t("{0} code block", label))}">` +
      `<span class="code-language">${label}</span>` +
      button("copy", "copy", t("Copy")) +
      button("insert", "insert", t("Insert at cursor")) +
      button("apply", "diff", t("Apply to file…")) +
      `</div><pre><code class="hljs">${highlighted}</code></pre></div>`
    );
  };
  return { html: md.render(text, env), codeBlocks };
}

function button(action: string, icon: string, label: string): string {
  return `<button class="code-action" data-action="${action}" title="${label}" aria-label="${label}"><span class="codicon codicon-${icon}" aria-hidden="true"></span></button>`;
}

function highlight(code: string, language: string): string {
  try {
    if (language && hljs.getLanguage(language)) return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return hljs.highlightAuto(code).value;
  } catch {
    return md.utils.escapeHtml(code);
  }
}
