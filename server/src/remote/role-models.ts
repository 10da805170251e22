// Which engine answers each feature, decided in one place for the LSP server and the CLI: the
// remote engine `pincer.remote.<role>.url` names, else the in-process model.
import type { AgentModel } from "../agent/planner/agent-model";
import { engineChatModel, type ChatModel } from "../chat/chat-model";
import type { Completer } from "../completion/completer";
import type { Engine } from "../engine/engine";
import type { Logger } from "../platform/log";
import type { PincerSettings } from "../protocol/settings";
import { RemoteAgentModel } from "./remote-agent-model";
import { RemoteChatModel } from "./remote-chat";
import { RemoteCompleter } from "./remote-completion";
import type { RemoteEngines } from "./remote-engines";

export async function chatModelFor(settings: PincerSettings, remote: RemoteEngines, local: (signal: AbortSignal) => Promise<Engine>, signal: AbortSignal): Promise<ChatModel> {
  if (remote.configured(settings, "chat")) return new RemoteChatModel(await remote.engine(settings, "chat", signal));
  return engineChatModel(await local(signal));
}

/** The remote completer, or undefined when completions run in process. */
export async function remoteCompleterFor(settings: PincerSettings, remote: RemoteEngines, signal: AbortSignal): Promise<Completer | undefined> {
  if (!remote.configured(settings, "completion")) return undefined;
  return new RemoteCompleter(await remote.engine(settings, "completion", signal));
}

/** The remote agent model factory, or undefined when the agent runs in process. */
export function remoteAgentModelFor(settings: PincerSettings, remote: RemoteEngines, log: Logger, signal: AbortSignal): (() => Promise<AgentModel>) | undefined {
  if (!remote.configured(settings, "agent")) return undefined;
  return async () => new RemoteAgentModel(await remote.engine(settings, "agent", signal), (note) => log("warn", `Agent: ${note}`));
}
