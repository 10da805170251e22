// "Pincer: Dictate" and the chat's mic button: one press starts recording (through the server,
// which uses the OS recorder), a second press stops it; silence after speech stops it too. The
// status bar shows the recording and its level; the transcript goes into the chat prompt for
// editing, never straight to the model. The Whisper model is downloaded only after the person agrees.
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressReport } from "vscode-languageclient/node";
import {
  DictateProgressNotification,
  DictateRequest,
  DictateStopNotification,
  VoiceDownloadRequest,
  VoiceStatusRequest,
  type DictateParams,
  type DictateProgressParams,
  type TranscriptResult,
  type VoiceStatusResult,
} from "../../../server/src/protocol";

export type VoicePhase = "idle" | "loading" | "recording" | "transcribing";

/** Where a dictation's state and transcript go (the chat composer). */
export interface DictationSink {
  phase(phase: VoicePhase, level: number): void;
  transcript(text: string): Promise<void>;
}

const BARS = "▁▂▃▄▅▆▇█";

export class DictationController implements vscode.Disposable {
  private current: { id: string; cancel: vscode.CancellationTokenSource } | undefined;
  private readonly item = vscode.window.createStatusBarItem("pincer.dictation", vscode.StatusBarAlignment.Left, 99);
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly client: LanguageClient,
    private readonly sink: DictationSink,
  ) {
    this.item.name = "Pincer Dictation";
    this.item.command = "pincer.dictate";
    this.listener = client.onNotification(DictateProgressNotification, (params: DictateProgressParams) => {
      if (params.id === this.current?.id) this.show(params.phase, params.level, params.elapsedMs);
    });
  }

  /** First press starts; a press while recording stops and transcribes. */
  async toggle(): Promise<void> {
    if (this.current) {
      await this.client.sendNotification(DictateStopNotification, { id: this.current.id });
      return;
    }
    const status = await this.client.sendRequest(VoiceStatusRequest, {});
    if (!status.recorder.program) {
      void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: voice input needs an audio recorder. {0}", status.recorder.reason ?? ""));
      return;
    }
    if (!status.model.present && !(await this.offerDownload(status))) return;
    await this.dictate();
  }

  private async offerDownload(status: VoiceStatusResult): Promise<boolean> {
    const { catalog, path } = status.model;
    if (!catalog) {
      void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: the voice model {0} does not exist (setting pincer.voice.model).", path));
      return false;
    }
    const download = vscode.l10n.t("Download");
    const agreed = await vscode.window.showInformationMessage(
      vscode.l10n.t("Voice input needs the {0} speech model. Download it now? Only the model is downloaded; your audio never leaves this machine.", catalog.label),
      { modal: true },
      download,
    );
    if (agreed !== download) return false;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Pincer", cancellable: true }, async (progress, cancellation) => {
      const token = randomUUID();
      let last = 0;
      const listener = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === "end") return;
        const percentage = (value as WorkDoneProgressReport).percentage ?? 0;
        progress.report({ message: vscode.l10n.t("Downloading the Whisper model {0}", value.message ?? ""), increment: percentage - last });
        last = percentage;
      });
      try {
        await this.client.sendRequest(VoiceDownloadRequest, { workDoneToken: token }, cancellation);
        return true;
      } catch (error) {
        void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
        return false;
      } finally {
        listener.dispose();
      }
    });
  }

  private async dictate(): Promise<void> {
    const id = randomUUID();
    const cancel = new vscode.CancellationTokenSource();
    this.current = { id, cancel };
    this.show("recording", 0, 0);
    try {
      const params: DictateParams = { id };
      const result = await this.client.sendRequest(DictateRequest, params, cancel.token);
      if (result.text.trim() === "") void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no words were recognized."));
      else await this.sink.transcript(result.text.trim());
    } catch (error) {
      if (!cancel.token.isCancellationRequested) void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
    } finally {
      this.current = undefined;
      cancel.dispose();
      this.show("idle", 0, 0);
    }
  }

  /** Drops the recording (Escape in the chat, or the extension going away). */
  cancel(): void {
    this.current?.cancel.cancel();
  }

  private show(phase: VoicePhase, level: number, elapsedMs: number): void {
    this.sink.phase(phase, level);
    if (phase === "idle") {
      this.item.hide();
      return;
    }
    const seconds = Math.floor(elapsedMs / 1000);
    const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    const bar = BARS[Math.min(BARS.length - 1, Math.floor(level * BARS.length))];
    this.item.text =
      phase === "recording" ? `$(record) ${clock} ${bar}` : phase === "loading" ? `$(loading~spin) ${vscode.l10n.t("Loading the speech model…")}` : `$(loading~spin) ${vscode.l10n.t("Transcribing…")}`;
    this.item.tooltip = phase === "recording" ? vscode.l10n.t("Pincer is recording (on this machine only). Click or press the mic again to stop; silence stops it too.") : vscode.l10n.t("Pincer is turning your speech into text on this machine.");
    this.item.backgroundColor = phase === "recording" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.show();
  }

  dispose(): void {
    this.cancel();
    this.listener.dispose();
    this.item.dispose();
  }
}
