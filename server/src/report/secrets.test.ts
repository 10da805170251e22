// pincer run's report passwords come from the environment, one variable per connection.
import assert from "node:assert/strict";
import { envSecrets, secretEnvVar } from "./secrets";

describe("report secrets from the environment", () => {
  it("names one variable for the SMTP password and one per database connection", () => {
    assert.equal(secretEnvVar({ kind: "smtp", name: "smtp.example.com" }), "PINCER_SMTP_PASSWORD");
    assert.equal(secretEnvVar({ kind: "database", name: "sales" }), "PINCER_DB_PASSWORD_SALES");
    assert.equal(secretEnvVar({ kind: "database", name: "eu-west.dw" }), "PINCER_DB_PASSWORD_EU_WEST_DW");
  });

  it("reads them, and an unset or empty one is no password", async () => {
    const lookup = envSecrets({ PINCER_SMTP_PASSWORD: "s3cret", PINCER_DB_PASSWORD_SALES: "", PINCER_DB_PASSWORD_DW: "pw" });
    const signal = AbortSignal.timeout(5000);
    assert.equal(await lookup({ kind: "smtp", name: "mail", user: "me" }, signal), "s3cret");
    assert.equal(await lookup({ kind: "database", name: "sales", user: "r" }, signal), undefined);
    assert.equal(await lookup({ kind: "database", name: "dw", user: "r" }, signal), "pw");
    assert.equal(await lookup({ kind: "database", name: "other", user: "r" }, signal), undefined);
  });
});
