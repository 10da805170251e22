// Remote engines (pincer.remote.<role>.url): the client asks the person to confirm each endpoint once
// and then tells the server, with the API key it keeps in SecretStorage. The server connects to no
// endpoint it was not told about this way.
import { object, optional, str } from "./checks";
import { PincerRequest } from "./rpc";

export interface RemoteAllowParams {
  /** The endpoint as the setting names it. */
  url: string;
  /** Bearer key for it, from the client's SecretStorage; absent when the server needs none. */
  apiKey?: string;
}
export interface RemoteAllowResult {
  /** `scheme://host:port`: what the consent covers. */
  origin: string;
}
/** Client → server: the person confirmed this endpoint (or changed its key). */
export const RemoteAllowRequest = new PincerRequest<RemoteAllowParams, RemoteAllowResult>(
  "pincer/remote/allow",
  object({ url: str({ min: 1, max: 2048 }), apiKey: optional(str({ max: 4096 })) }),
);

/** Client → server: the person withdrew the consent for an endpoint. */
export const RemoteRevokeRequest = new PincerRequest<{ url: string }, null>("pincer/remote/revoke", object({ url: str({ min: 1, max: 2048 }) }));
