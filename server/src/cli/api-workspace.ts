// The workspace behind `pincer serve --http --workspace W`: OCR confined to W and agent runs in W,
// built from the same pieces as `pincer ocr` and `pincer run` (ask = deny: nobody is there to ask).
import { agentModel, runAgentSession } from "../agent/agent-session";
import type { WorkspaceApi } from "../api/pincer-routes";
import { ApiError } from "../api/api-error";
import type { Engine } from "../engine/engine";
import { OcrService } from "../ocr/ocr-service";
import { OcrInputError } from "../ocr/types";
import { cliLogger } from "../platform/log";
import { AGENT_PROFILES, type PincerSettings } from "../protocol";
import { remoteAgentModelFor } from "../remote/role-models";
import type { RemoteEngines } from "../remote/remote-engines";
import { defaultCacheDir } from "../store/json-store";
import { createCliAgentSession, workspaceRoots } from "./agent-host";
import { policyApprover } from "./agent-output";

export async function apiWorkspace(folder: string, settings: PincerSettings, engine: Engine, remote: RemoteEngines): Promise<WorkspaceApi & { dispose(): Promise<void> }> {
  const roots = await workspaceRoots(folder);
  const ocr = new OcrService({ workers: 1, cacheDir: defaultCacheDir() });
  return {
    folder: roots.roots[0]!.path,
    async ocr(file, languages, signal) {
      const resolved = await roots.resolveInside(file);
      if (!resolved.ok) throw new ApiError(403, `Cannot OCR ${file}: ${resolved.reason}.`, "permission_error", "outside_workspace");
      if (!resolved.exists) throw new ApiError(404, `${resolved.relative} does not exist.`, "not_found_error");
      try {
        const result = await ocr.ocrFile(resolved.path, { ...(languages ? { languages } : {}), signal });
        return { path: resolved.relative, ...result };
      } catch (error) {
        // Not an image or PDF, a folder, too large, a language not installed: the caller's to fix.
        if (error instanceof OcrInputError) throw new ApiError(400, error.message, "invalid_request_error", "ocr_input");
        throw error;
      }
    },
    async runAgent(request, onEvent, signal) {
      // A request may narrow the configured profile, never widen it: the token is not the person.
      const profile = request.profile ?? settings.agent.profile;
      if (AGENT_PROFILES.indexOf(profile) > AGENT_PROFILES.indexOf(settings.agent.profile)) {
        throw new ApiError(403, `profile ${profile} is wider than this server's pincer.agent.profile (${settings.agent.profile}).`, "permission_error", "profile_not_allowed");
      }
      const session = await createCliAgentSession(folder, profile, settings.agent, settings);
      try {
        const model = await agentModel(async () => engine, cliLogger(), remoteAgentModelFor(settings, remote, cliLogger(), signal));
        return await runAgentSession(session, {
          request: request.task,
          model,
          approver: policyApprover("never"),
          settings: settings.agent,
          ...(request.maxSteps !== undefined ? { maxSteps: request.maxSteps } : {}),
          signal,
          stopOnRefusedApproval: true,
          onEvent,
        });
      } finally {
        await session.dispose();
      }
    },
    dispose: () => ocr.dispose(),
  };
}
