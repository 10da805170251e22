// Mocha's spec reporter, plus the pass/fail/skip counts written as JSON to the file given by
// `--reporter-option stats=FILE` (the format scripts/test.mjs sums up). CommonJS because the
// mocha CLI loads reporters with require().
const Mocha = require('mocha');
const { writeFileSync } = require('node:fs');

class SpecWithStats extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const file = options.reporterOptions?.stats;
    if (!file) return;
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = SpecWithStats;
