import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { downloadTarget, downloadUrl, hubEndpoint, ModelSpecError, parseModelSpec, type ModelSpec } from "./model-spec";

type RemoteSpec = Extract<ModelSpec, { kind: "remote" }>;

function remote(spec: string): RemoteSpec {
  const parsed = parseModelSpec(spec);
  assert.equal(parsed.kind, "remote", `${spec} should be remote`);
  return parsed as RemoteSpec;
}

describe("parseModelSpec", () => {
  describe("local paths", () => {
    it("resolves a relative path against the given folder", () => {
      const cwd = path.resolve("/work", "project");
      assert.deepEqual(parseModelSpec("models/tiny.gguf", cwd), { kind: "path", path: path.join(cwd, "models", "tiny.gguf") });
    });

    it("keeps an absolute path and trims whitespace", () => {
      const absolute = path.resolve("/models/tiny.gguf");
      assert.deepEqual(parseModelSpec(`  ${absolute}  `, "/elsewhere"), { kind: "path", path: absolute });
    });

    it("expands ~ to the home folder", () => {
      assert.deepEqual(parseModelSpec("~/models/tiny.gguf", "/elsewhere"), { kind: "path", path: path.join(os.homedir(), "models", "tiny.gguf") });
      assert.deepEqual(parseModelSpec("~", "/elsewhere"), { kind: "path", path: os.homedir() });
    });

    it("does not expand ~ in the middle of a name", () => {
      const cwd = path.resolve("/work");
      assert.deepEqual(parseModelSpec("a~/m.gguf", cwd), { kind: "path", path: path.join(cwd, "a~", "m.gguf") });
    });

    it("rejects an empty setting", () => {
      assert.throws(() => parseModelSpec("   "), (error: Error) => error instanceof ModelSpecError && /no model is set/.test(error.message));
    });
  });

  describe("hf: URIs", () => {
    it("parses owner, repo and file with the main revision", () => {
      const spec = remote("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
      assert.equal(spec.fileName, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
      assert.equal(spec.uri, "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
      assert.deepEqual(spec.hub, {
        owner: "Qwen",
        repo: "Qwen2.5-Coder-1.5B-Instruct-GGUF",
        file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        revision: "main",
      });
    });

    it("keeps a nested file path and a #revision", () => {
      const spec = remote("hf:owner/repo/quants/Q4/model-q4.gguf#v1.2");
      assert.equal(spec.fileName, "model-q4.gguf");
      assert.deepEqual(spec.hub, { owner: "owner", repo: "repo", file: "quants/Q4/model-q4.gguf", revision: "v1.2" });
    });

    it("uses main when the # names no revision", () => {
      assert.equal(remote("hf:owner/repo/model.gguf#").hub?.revision, "main");
    });

    it("rejects a URI without a file", () => {
      for (const spec of ["hf:owner/repo", "hf:owner/repo/", "hf:owner", "hf:owner/repo/README.md", "hf:owner/repo#main"]) {
        assert.throws(
          () => parseModelSpec(spec),
          (error: Error) => error instanceof ModelSpecError && error.message.includes(spec) && /must name the file/.test(error.message),
          spec,
        );
      }
    });
  });

  describe("URLs", () => {
    it("accepts an https URL to a .gguf file, decoding its name", () => {
      const spec = remote("https://example.com/files/My%20Model.Q4.gguf");
      assert.equal(spec.fileName, "My Model.Q4.gguf");
      assert.equal(spec.hub, undefined);
    });

    // Plain http lets anyone on the path swap the weights or the published hash (CWE-319, cleartext
    // transmission); only a hub on this machine (tests, a local mirror) may use it, and only by loopback address.
    const plainHttp: [string, boolean][] = [
      ["http://127.0.0.1:8080/tiny.gguf", true],
      ["http://127.4.5.6/tiny.gguf", true],
      ["http://localhost:8080/tiny.gguf", true],
      ["http://LOCALHOST/tiny.gguf", true],
      ["http://[::1]:8080/tiny.gguf", true],
      ["http://example.com/tiny.gguf", false],
      ["http://huggingface.co/owner/repo/resolve/main/tiny.gguf", false],
      ["HTTP://example.com/tiny.gguf", false],
      ["http://10.0.0.1/tiny.gguf", false],
      ["http://192.168.1.2:8080/tiny.gguf", false],
      ["http://127.0.0.1.example.com/tiny.gguf", false],
      ["http://localhost.example.com/tiny.gguf", false],
      ["http://[::ffff:8.8.8.8]/tiny.gguf", false],
      ["http://0.0.0.0/tiny.gguf", false],
    ];
    for (const [spec, allowed] of plainHttp) {
      it(`${allowed ? "allows" : "refuses"} plain http: ${spec}`, () => {
        if (allowed) assert.equal(remote(spec).fileName, "tiny.gguf");
        else assert.throws(() => parseModelSpec(spec), (error: Error) => error instanceof ModelSpecError && /plain http is refused/.test(error.message) && /https:\/\//.test(error.message), spec);
      });
    }

    it("rejects a URL that does not point at a .gguf file", () => {
      for (const spec of ["https://example.com/model.bin", "https://example.com/", "https://huggingface.co/owner/repo"]) {
        assert.throws(() => parseModelSpec(spec), (error: Error) => error instanceof ModelSpecError && /\.gguf/.test(error.message), spec);
      }
    });

    it("recognizes a huggingface.co resolve URL as a hub file", () => {
      const spec = remote("https://huggingface.co/owner/repo/resolve/main/sub/model.gguf");
      assert.equal(spec.fileName, "model.gguf");
      assert.deepEqual(spec.hub, { owner: "owner", repo: "repo", revision: "main", file: "sub/model.gguf" });
    });

    it("does not take another host's resolve URL for the hub", () => {
      assert.equal(remote("https://mirror.example/owner/repo/resolve/main/model.gguf").hub, undefined);
    });
  });
});

describe("downloadTarget", () => {
  it("puts the file in the models folder under its own name", () => {
    const dir = path.resolve("/models");
    assert.equal(downloadTarget(remote("hf:owner/repo/deep/path/model.gguf"), dir), path.join(dir, "model.gguf"));
    assert.equal(downloadTarget(remote("https://example.com/a/b/other.gguf?download=1"), dir), path.join(dir, "other.gguf"));
  });
});

describe("downloadUrl", () => {
  it("builds the hub resolve URL for an hf: URI", () => {
    assert.equal(downloadUrl(remote("hf:owner/repo/model.gguf")), "https://huggingface.co/owner/repo/resolve/main/model.gguf");
  });

  it("encodes the revision and each path segment", () => {
    assert.equal(
      downloadUrl(remote("hf:owner/repo/dir name/model q4.gguf#refs/pr/1")),
      "https://huggingface.co/owner/repo/resolve/refs%2Fpr%2F1/dir%20name/model%20q4.gguf",
    );
  });

  it("fetches a plain URL as given", () => {
    assert.equal(downloadUrl(remote("https://example.com/files/model.gguf")), "https://example.com/files/model.gguf");
    assert.equal(downloadUrl(remote("https://huggingface.co/owner/repo/resolve/main/model.gguf")), "https://huggingface.co/owner/repo/resolve/main/model.gguf");
  });

  it("uses HF_ENDPOINT for hf: URIs (a mirror, or the loopback hub of the tests), with the same transport rule", () => {
    const spec = remote("hf:owner/repo/model.gguf");
    assert.equal(downloadUrl(spec, { HF_ENDPOINT: "https://hf-mirror.example/" }), "https://hf-mirror.example/owner/repo/resolve/main/model.gguf");
    assert.equal(downloadUrl(spec, { HF_ENDPOINT: "http://127.0.0.1:8123" }), "http://127.0.0.1:8123/owner/repo/resolve/main/model.gguf");
    assert.equal(downloadUrl(spec, { HF_ENDPOINT: "" }), "https://huggingface.co/owner/repo/resolve/main/model.gguf");
    assert.throws(() => downloadUrl(spec, { HF_ENDPOINT: "http://mirror.example" }), /HF_ENDPOINT.*plain http is refused/);
    assert.throws(() => downloadUrl(spec, { HF_ENDPOINT: "not a url" }), /HF_ENDPOINT/);
    assert.equal(hubEndpoint({ HF_ENDPOINT: "https://hf-mirror.example/" }), "https://hf-mirror.example");
  });

  it("fetches the file, not the HTML page, for a huggingface.co blob link", () => {
    assert.equal(downloadUrl(remote("https://huggingface.co/owner/repo/blob/main/model.gguf")), "https://huggingface.co/owner/repo/resolve/main/model.gguf");
  });
});
