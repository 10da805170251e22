// Kept at this path for the security suites (test/lsp/agent-security-*.test.ts, agent-sandbox.test.ts,
// workspace-git.security.test.ts), which must not change; the helper lives in test/support/.
export * from "../support/git";
