// Pincer's own routes beside the OpenAI ones, for `pincer serve --http --workspace W`: OCR of a
// file in W and agent runs in W. They obey what the CLI obeys: paths are confined to W after
// resolving every link, runs use the configured profile (or the one asked for), and headless means
// "ask" is "deny": a step that needs approval ends the run with status approval-needed.
import type { ServerResponse } from "node:http";
import { AGENT_PROFILES, type AgentEvent, type AgentProfile, type Transcript } from "../protocol";
import { ApiError } from "./api-error";

/** What the routes need from the workspace host (the CLI builds it: cli/commands/serve-http.ts). */
export interface WorkspaceApi {
  /** The folder the routes work in, for answers and errors. */
  readonly folder: string;
  ocr(file: string, languages: string[] | undefined, signal: AbortSignal): Promise<Record<string, unknown>>;
  runAgent(request: { task: string; profile?: AgentProfile; maxSteps?: number }, onEvent: (event: AgentEvent) => void, signal: AbortSignal): Promise<Transcript>;
}

type Body = Record<string, unknown>;

function requireWorkspace(workspace: WorkspaceApi | undefined): WorkspaceApi {
  if (!workspace) throw new ApiError(400, "This server has no workspace: start it with --workspace W to use the OCR and agent routes.", "invalid_request_error", "no_workspace");
  return workspace;
}

export async function ocrRoute(body: Body, workspace: WorkspaceApi | undefined, signal: AbortSignal): Promise<unknown> {
  const api = requireWorkspace(workspace);
  if (typeof body.path !== "string" || body.path === "") throw new ApiError(400, `path must name an image or PDF inside ${api.folder}.`);
  const languages = body.languages;
  if (languages !== undefined && (!Array.isArray(languages) || languages.length > 8 || languages.some((l) => typeof l !== "string" || !/^[a-z_]{2,20}$/.test(l)))) {
    throw new ApiError(400, 'languages must be up to 8 Tesseract codes, e.g. ["eng", "chi_sim"].');
  }
  return api.ocr(body.path, languages as string[] | undefined, signal);
}

/** One run at a time: runs in one workspace share its checkpoints and files. */
let running = false;

/**
 * A checked agent run holding the one slot (409 while another runs), shared by the HTTP and gRPC
 * APIs; `run` runs it once and frees the slot, `release` frees it without running.
 */
export function startAgentRun(body: Body, workspace: WorkspaceApi | undefined): { run(onEvent: (event: AgentEvent) => void, signal: AbortSignal): Promise<Transcript>; release(): void } {
  const api = requireWorkspace(workspace);
  if (typeof body.task !== "string" || body.task.trim() === "" || body.task.length > 100_000) throw new ApiError(400, "task must be a non-empty string (at most 100,000 characters).");
  if (body.profile !== undefined && !(AGENT_PROFILES as readonly unknown[]).includes(body.profile)) throw new ApiError(400, `profile must be one of ${AGENT_PROFILES.join(", ")}.`);
  const maxSteps = body.max_steps;
  if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || (maxSteps as number) < 1 || (maxSteps as number) > 1000)) throw new ApiError(400, "max_steps must be a whole number from 1 to 1000.");
  if (running) throw new ApiError(409, "An agent run is already in progress in this workspace; wait for it to end.", "conflict_error", "run_in_progress");
  running = true;
  let held = true;
  const release = () => {
    if (held) running = false;
    held = false;
  };
  const request = { task: body.task, ...(body.profile ? { profile: body.profile as AgentProfile } : {}), ...(maxSteps ? { maxSteps: maxSteps as number } : {}) };
  return {
    run: async (onEvent, signal) => {
      try {
        return await api.runAgent(request, onEvent, signal);
      } finally {
        release();
      }
    },
    release,
  };
}

export async function agentRunRoute(body: Body, response: ServerResponse, workspace: WorkspaceApi | undefined, signal: AbortSignal): Promise<unknown> {
  const run = startAgentRun(body, workspace);
  if (body.stream !== true) return run.run(() => undefined, signal);
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  const send = (data: unknown) => void response.write(`data: ${JSON.stringify(data)}\n\n`);
  try {
    const transcript = await run.run((event) => send({ type: "event", event }), signal);
    send({ type: "transcript", transcript });
  } catch (error) {
    // The 200 and its headers are sent: the refusal or failure travels as the stream's last event.
    const status = error instanceof ApiError ? error.status : 500;
    send({ type: "error", error: { status, message: (error as Error).message, ...(error instanceof ApiError && error.code ? { code: error.code } : {}) } });
  }
  response.write("data: [DONE]\n\n");
  response.end();
  return undefined;
}
