// Tests that are clients of a loopback server (llama-server, `pincer serve --http`) run in the mocha
// process, where other suites install Pincer's egress guard process-wide. This opens a permit for the
// suite's own connections; the servers under test run in their own processes with their own guard.
import { grantEgress, type EgressPermit } from "../../server/src/platform/egress-guard";

/** Call inside a describe(): the suite's hooks and tests may connect; the permit ends after the suite. */
export function allowLoopbackClients(): void {
  let permit: EgressPermit | undefined;
  before(() => {
    permit = grantEgress("test suite: clients of loopback servers");
  });
  after(() => permit?.release());
}
