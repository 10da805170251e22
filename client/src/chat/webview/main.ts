// The chat webview: transcript, context chips, token meter and composer. It holds display state
// only; the extension owns the conversation and talks to the server.
import type { ContextReport } from "../../../../server/src/protocol";
import type { ChipView, FromWebview, ToWebview, TranscriptEntry } from "../webview-protocol";
import { wireAgentButtons } from "./agent-buttons";
import { el, icon } from "./dom";
import { renderEntry } from "./render-entry";
import type { CodeBlockHandler } from "./render-markdown";
import { chipIcon } from "./render-user";
import { createMicButton, insertTranscript } from "./voice-button";
import { t } from "./l10n";

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };
const vscode = acquireVsCodeApi();
const post = (message: FromWebview) => vscode.postMessage(message);

const entries: TranscriptEntry[] = [];
const elements = new Map<string, HTMLElement>();
const pendingRender = new Set<string>();
let busy = false;

const onCode: CodeBlockHandler = (action, code, language) => post({ type: "code", action, code, language });

const title = el("h2", { class: "title", id: "chat-title" }, t("New chat"));
// New Chat and History are the view's own title-bar actions (package.json), not repeated here.
const header = el("header", { class: "header" }, title);
const transcript = el("div", { class: "transcript", role: "log", "aria-live": "polite", "aria-labelledby": "chat-title", tabindex: "0" });
const empty = el("p", { class: "empty" }, t("Ask about your code. Type @ to add files, symbols, problems, the git diff or open editors as context."));
const chips = el("ul", { class: "chips", "aria-label": t("Context for the next message") });
const input = el("textarea", { class: "input", rows: "3", placeholder: t("Ask Pincer… (@ adds context)"), "aria-label": t("Message to Pincer. Enter sends, Shift+Enter adds a line, @ adds context.") });
const meter = el("div", { class: "meter", "aria-live": "polite" });
const contextButton = toolbarButton("mention", t("Add context (@)"), () => post({ type: "pick-context" }));
const sendButton = toolbarButton("send", t("Send (Enter)"), () => send());
const stopButton = toolbarButton("debug-stop", t("Stop generating (Escape)"), () => post({ type: "stop" }));
const mic = createMicButton(() => post({ type: "dictate" }));
// Agent mode: the prompt becomes a task the agent carries out with tools (a leading /agent does the same once).
let agentMode = false;
const agentToggle = toolbarButton("robot", t("Agent mode: run the message as a task with tools (Ctrl+Shift+A)"), () => setAgentMode(!agentMode));
agentToggle.classList.add("agent-toggle");
stopButton.classList.add("stop");
stopButton.hidden = true;
const composer = el("div", { class: "composer" }, chips, input, el("div", { class: "composer-bar" }, meter, el("div", { class: "actions" }, agentToggle, mic.button, contextButton, stopButton, sendButton)));
document.body.append(header, transcript, composer);
transcript.append(empty);
wireAgentButtons(transcript, post);

function setAgentMode(on: boolean): void {
  agentMode = on;
  agentToggle.setAttribute("aria-pressed", String(on));
  agentToggle.classList.toggle("on", on);
  input.placeholder = on ? t("Describe a task for the agent…") : t("Ask Pincer… (@ adds context)");
}

function toolbarButton(name: string, label: string, onClick: () => void): HTMLButtonElement {
  const button = el("button", { class: "icon-button", title: label, "aria-label": label }, icon(name));
  button.addEventListener("click", onClick);
  return button;
}

function send(): void {
  const prompt = input.value.trim();
  if (!prompt || busy) return;
  input.value = "";
  const command = /^\/agent\s+/.exec(prompt);
  if (command) post({ type: "send", prompt: prompt.slice(command[0].length), agent: true });
  else post({ type: "send", prompt, agent: agentMode });
}

let draftTimer: ReturnType<typeof setTimeout> | undefined;
input.addEventListener("input", () => {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => post({ type: "draft", prompt: input.value }), 250);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key.toLowerCase() === "a" && event.ctrlKey && event.shiftKey) {
    event.preventDefault();
    setAgentMode(!agentMode);
  } else if (event.key === "Escape" && busy) {
    event.preventDefault();
    post({ type: "stop" });
  } else if (event.key === "@") {
    const before = input.value.slice(0, input.selectionStart);
    if (before === "" || /\s$/.test(before)) {
      event.preventDefault();
      post({ type: "pick-context" });
    }
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && busy && event.target !== input) post({ type: "stop" });
});

function setBusy(next: boolean): void {
  busy = next;
  stopButton.hidden = !next;
  sendButton.hidden = next;
  input.setAttribute("aria-busy", String(next));
  if (!next && document.activeElement === stopButton) input.focus();
}

function showEntry(entry: TranscriptEntry): void {
  empty.remove();
  const index = entries.findIndex((e) => e.id === entry.id);
  if (index >= 0) entries[index] = entry;
  else entries.push(entry);
  const fresh = renderEntry(entry, onCode);
  const old = elements.get(entry.id);
  if (old) old.replaceWith(fresh);
  else transcript.append(fresh);
  elements.set(entry.id, fresh);
  fresh.scrollIntoView({ block: "end" });
}

function appendChunk(entryId: string, text: string): void {
  const entry = entries.find((e) => e.id === entryId);
  if (!entry || entry.kind !== "assistant") return;
  entry.text += text;
  // Re-render at most once a frame, however fast tokens arrive.
  if (pendingRender.has(entryId)) return;
  pendingRender.add(entryId);
  requestAnimationFrame(() => {
    pendingRender.delete(entryId);
    const current = entries.find((e) => e.id === entryId);
    if (current) showEntry(current);
  });
}

function showChips(views: ChipView[]): void {
  chips.replaceChildren(
    ...views.map((chip) => {
      const label = chip.suggested ? t("Add {0} as context", chip.label) : t("Remove {0} from context", chip.label);
      const button = el("button", { class: `chip ${chip.suggested ? "suggested" : ""}`, title: label, "aria-label": label }, icon(chipIcon(chip.kind)), chip.label, icon(chip.suggested ? "add" : "close"));
      button.addEventListener("click", () => post({ type: chip.suggested ? "add-chip" : "remove-chip", id: chip.id }));
      return el("li", {}, button);
    }),
  );
}

function showContext(report: ContextReport | undefined, unavailable: string | undefined): void {
  meter.replaceChildren();
  meter.classList.toggle("over", Boolean(report?.error || report?.leftOut.length));
  if (!report) {
    if (unavailable) meter.append(unavailable);
    return;
  }
  const used = report.usedTokens + report.replyTokens;
  meter.append(
    el("span", { title: t("{0} prompt tokens + {1} kept for the answer, of {2}", report.usedTokens, report.replyTokens, report.windowTokens) }, t("{0} / {1} tokens", used.toLocaleString(), report.windowTokens.toLocaleString())),
  );
  if (report.rules.length) meter.append(el("span", { class: "rules" }, icon("law"), report.rules.join(", ")));
  if (report.compactedTurns) meter.append(el("span", {}, icon("fold"), t("{0} older messages will be summarized", report.compactedTurns)));
  if (report.leftOut.length) meter.append(el("span", { class: "left-out" }, icon("warning"), t("Will be left out: {0}", report.leftOut.join(", "))));
  if (report.error) meter.append(el("span", { class: "left-out" }, icon("error"), report.error));
}

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case "reset":
      entries.length = 0;
      elements.clear();
      transcript.replaceChildren();
      title.textContent = message.title;
      if (message.entries.length === 0) transcript.append(empty);
      for (const entry of message.entries) showEntry(entry);
      // After layout (fonts, highlighted code), so a reopened conversation shows its end.
      requestAnimationFrame(() => (transcript.scrollTop = transcript.scrollHeight));
      break;
    case "append":
    case "update":
      showEntry(message.entry);
      break;
    case "chunk":
      appendChunk(message.entryId, message.text);
      break;
    case "chips":
      showChips(message.chips);
      break;
    case "context":
      showContext(message.report, message.unavailable);
      break;
    case "busy":
      setBusy(message.busy);
      break;
    case "prompt":
      input.value = message.text;
      break;
    case "focus":
      input.focus();
      break;
    case "voice":
      mic.show(message.phase, message.level);
      break;
    case "insert-prompt":
      insertTranscript(input, message.text);
      post({ type: "draft", prompt: input.value });
      break;
  }
});

setBusy(false);
setAgentMode(false);
post({ type: "ready" });
