// The composer's mic button: starts and stops a dictation (the extension does the recording),
// shows the phase and the input level, and puts the transcript into the prompt at the cursor.
import { el, icon } from "./dom";
import { t } from "./l10n";
import { spliceAtCursor } from "./prompt-insert";

const LABELS = {
  idle: () => t("Dictate (speech to text on this machine; press again to stop)"),
  loading: () => t("Loading the speech model…"),
  recording: () => t("Recording — press to stop (silence stops it too)"),
  transcribing: () => t("Transcribing…"),
} as const;

export function createMicButton(onClick: () => void): { button: HTMLButtonElement; show(phase: keyof typeof LABELS, level: number): void } {
  const meter = el("span", { class: "mic-level", "aria-hidden": "true" });
  const button = el("button", { class: "icon-button mic", title: LABELS.idle(), "aria-label": LABELS.idle(), "aria-pressed": "false" }, icon("mic"), meter) as HTMLButtonElement;
  button.addEventListener("click", onClick);
  return {
    button,
    show(phase, level) {
      button.title = LABELS[phase]();
      button.setAttribute("aria-label", LABELS[phase]());
      button.setAttribute("aria-pressed", String(phase === "recording"));
      button.classList.toggle("recording", phase === "recording");
      button.classList.toggle("working", phase === "loading" || phase === "transcribing");
      button.replaceChildren(icon(phase === "recording" ? "mic-filled" : phase === "idle" ? "mic" : "loading"), meter);
      meter.style.transform = `scaleY(${phase === "recording" ? Math.max(0.05, level) : 0})`;
    },
  };
}

/** Adds the transcript at the cursor (a space apart from the words around it) and selects nothing. */
export function insertTranscript(input: HTMLTextAreaElement, text: string): void {
  const start = input.selectionStart ?? input.value.length;
  const { value, caret } = spliceAtCursor(input.value, start, input.selectionEnd ?? start, text);
  input.value = value;
  input.setSelectionRange(caret, caret);
  input.focus();
}
