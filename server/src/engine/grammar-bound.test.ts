import assert from "node:assert/strict";
import { maxGrammarCodePoints } from "./grammar-bound";

describe("maxGrammarCodePoints (longest text a GBNF grammar accepts)", () => {
  const cases: [string, string, number][] = [
    ["literal with escapes", String.raw`root ::= "\"a\\b\n"`, 5],
    ["non-ASCII literal counts code points", 'root ::= "é😀"', 2],
    ["character classes are one code point", String.raw`root ::= [^"\\\x7F\x00-\x1F] [\n] [a-z]`, 3],
    ["alternatives take the longest", 'root ::= "ab" | "abcd" | ("x" "y" "z")', 4],
    ["optional and bounded repetition", 'root ::= "a"? ("bc"){3} [0-9]{0,16} ("d" ("e"){1,2})?', 1 + 6 + 16 + 3],
    ["rules are followed", 'root ::= x x\nx ::= "abc" | y\ny ::= "z"', 6],
    ["star is unbounded", 'root ::= "a" [b]*', Infinity],
    ["plus is unbounded", 'root ::= ("a")+', Infinity],
    ["open repetition is unbounded", 'root ::= "a"{2,}', Infinity],
    ["an empty repetition stays empty", 'root ::= ("")*', 0],
    ["recursion is unbounded", 'root ::= "(" root ")" | "x"', Infinity],
  ];
  for (const [name, grammar, expected] of cases) {
    it(name, () => assert.equal(maxGrammarCodePoints(grammar), expected));
  }

  it("names a missing rule", () => {
    assert.throws(() => maxGrammarCodePoints('root ::= missing "a"'), /no rule "missing"/);
  });
});
