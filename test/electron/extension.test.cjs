// Runs inside desktop VS Code's extension host (see .vscode-test.mjs). Build first: npm run build.
const assert = require("node:assert/strict");
const vscode = require("vscode");

describe("Pincer in desktop VS Code", function () {
  it("activates and registers its commands", async function () {
    const extension = vscode.extensions.getExtension("pincer.pincer");
    assert.ok(extension, "the extension is installed");
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["pincer.selectModel", "pincer.downloadModel", "pincer.showServerLog", "pincer.restartServer"]) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it("loads the configured model and restarts on request", async function () {
    await vscode.workspace.getConfiguration("pincer").update("model", process.env.PINCER_TEST_MODEL, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("pincer").update("threads", 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand("pincer.restartServer");
  });
});
