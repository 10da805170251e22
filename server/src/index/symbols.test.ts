import assert from "node:assert/strict";
import { MAX_PARSE_CHARS } from "./parser-pool";
import { definitionSnippets, identifiersNear, imports, outline, type OutlineSymbol, prepareSymbols } from "./symbols";

const TS = `import { readFile } from "node:fs/promises";
import type { Config } from "./config";
const path = require("node:path");

export const MAX_ITEMS = 10;
export type Id = string | number;

export interface Shape {
  area(): number;
}

export enum Color { Red, Green }

export class Circle implements Shape {
  constructor(private readonly radius: number) {}

  area(): number {
    return Math.PI * this.radius ** 2;
  }
}

export function describe(shape: Shape,
                         label: string): string {
  return \`\${label}: \${shape.area()}\`;
}

export const double = (x: number): number => x * 2;

namespace Geometry {
  export function unit(): Circle { return new Circle(1); }
}
`;

const PY = `import os
from typing import Protocol

LIMIT = 3
cache = {}

class Greeter:
    def __init__(self, name):
        self.name = name

    @staticmethod
    def hello(name: str) -> str:
        return f"hi {name}"

def main(argv: list[str]) -> int:
    g = Greeter(argv[0])
    return 0
`;

const GO = `package shapes

import (
	"fmt"
	"math"
)

const Pi = math.Pi

type Shape interface {
	Area() float64
}

type Circle struct {
	R float64
}

type Meters float64

func (c Circle) Area() float64 {
	return Pi * c.R * c.R
}

func Describe(s Shape) string {
	return fmt.Sprint(s.Area())
}
`;

const RUST = `use std::fmt::{self, Display};
extern crate alloc;

pub const ORIGIN: (i32, i32) = (0, 0);

pub struct Point { x: i32, y: i32 }

pub enum Dir { Up, Down }

pub trait Norm {
    fn norm(&self) -> f64;
}

impl Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

mod util {
    pub fn clamp(v: i32) -> i32 { v.max(0) }
}
`;

const brief = (symbols: OutlineSymbol[] | undefined) => symbols?.map((s) => `${s.kind} ${s.container ? `${s.container}.` : ""}${s.name}`);

describe("symbols", () => {
  describe("outline", () => {
    it("TypeScript: top-level and nested definitions, kinds, ranges and signatures", async () => {
      const symbols = await outline(TS, "typescript");
      assert.deepEqual(brief(symbols), [
        "const path",
        "const MAX_ITEMS",
        "type Id",
        "interface Shape",
        "method Shape.area",
        "enum Color",
        "class Circle",
        "method Circle.constructor",
        "method Circle.area",
        "function describe",
        "function double",
        "module Geometry",
        "function Geometry.unit",
      ]);
      const circle = symbols!.find((s) => s.name === "Circle")!;
      assert.deepEqual(circle.range, { start: { line: 13, character: 7 }, end: { line: 19, character: 1 } });
      assert.deepEqual(circle.nameRange.start, { line: 13, character: 13 });
      assert.equal(circle.signature, "export class Circle implements Shape");
      assert.equal(circle.depth, 0);
      assert.equal(symbols!.find((s) => s.name === "describe")!.signature, "export function describe(shape: Shape, label: string): string");
      assert.equal(symbols!.find((s) => s.name === "double")!.signature, "export const double = (x: number): number =>");
      assert.equal(symbols!.find((s) => s.name === "unit")!.depth, 1);
    });

    it("Python: classes, methods (decorated too), functions and module constants", async () => {
      const symbols = await outline(PY, "python");
      assert.deepEqual(brief(symbols), ["const LIMIT", "variable cache", "class Greeter", "method Greeter.__init__", "method Greeter.hello", "function main"]);
      assert.equal(symbols!.find((s) => s.name === "hello")!.signature, "def hello(name: str) -> str:");
    });

    it("Go: functions, methods, structs, interfaces, types and constants", async () => {
      const symbols = await outline(GO, "go");
      assert.deepEqual(brief(symbols), [
        "const Pi",
        "interface Shape",
        "method Shape.Area",
        "struct Circle",
        "type Meters",
        "method Area",
        "function Describe",
      ]);
      assert.equal(symbols!.find((s) => s.kind === "method" && !s.container)!.signature, "func (c Circle) Area() float64");
    });

    it("Rust: items, impl blocks and their methods, modules", async () => {
      const symbols = await outline(RUST, "rust");
      assert.deepEqual(brief(symbols), [
        "const ORIGIN",
        "struct Point",
        "enum Dir",
        "trait Norm",
        "method Norm.norm",
        "impl Point",
        "method Point.fmt",
        "module util",
        "function util.clamp",
      ]);
      assert.equal(symbols!.find((s) => s.name === "fmt")!.signature, "fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result");
    });

    it("returns undefined for an unsupported language and [] for a grammar without definitions", async () => {
      assert.equal(await outline("whatever", "plaintext"), undefined);
      assert.deepEqual(await outline('{"a": 1}', "json"), []);
    });

    it("survives broken code", async () => {
      const symbols = await outline("function ok() {}\nclass {{{ broken\nfunction later(a) { return a }", "javascript");
      assert.ok(symbols?.some((s) => s.name === "ok"));
    });
  });

  it("definitionSnippets: the source of the named definitions, dedented, long ones cut", async () => {
    const snippets = await definitionSnippets(TS, "typescript", new Set(["area", "describe", "nothing"]));
    assert.deepEqual(
      snippets?.map((s) => s.name),
      ["area", "area", "describe"],
    );
    const method = snippets![1]!;
    assert.equal(method.text, "area(): number {\n  return Math.PI * this.radius ** 2;\n}");
    assert.equal(method.kind, "method");
    assert.equal(snippets![2]!.text.split("\n")[0], "export function describe(shape: Shape,");
    const short = await definitionSnippets(TS, "typescript", new Set(["Circle"]), { maxLines: 2 });
    assert.deepEqual(short?.map((s) => [s.text, s.truncated]), [["export class Circle implements Shape {\n  constructor(private readonly radius: number) {}", true]]);
    assert.equal(await definitionSnippets(TS, "plaintext", new Set(["x"])), undefined);
  });

  it("imports: import / include / use statements as written", async () => {
    assert.deepEqual(await imports(TS, "typescript"), ['import { readFile } from "node:fs/promises";', 'import type { Config } from "./config";', 'const path = require("node:path");']);
    assert.deepEqual(await imports(PY, "python"), ["import os", "from typing import Protocol"]);
    assert.deepEqual(await imports(GO, "go"), ['import (\n\t"fmt"\n\t"math"\n)']);
    assert.deepEqual(await imports(RUST, "rust"), ["use std::fmt::{self, Display};", "extern crate alloc;"]);
    assert.deepEqual(await imports('#include <stdio.h>\n#include "a.h"\nint x;', "c"), ["#include <stdio.h>", '#include "a.h"']);
    assert.deepEqual(await imports("using System;\nnamespace A { }", "csharp"), ["using System;"]);
    assert.deepEqual(await imports("require 'json'\nputs 1", "ruby"), ["require 'json'"]);
    assert.deepEqual(await imports("source ./lib.sh\n. ./other.sh\necho hi", "shellscript"), ["source ./lib.sh", ". ./other.sh"]);
    assert.equal(await imports("x", "plaintext"), undefined);
  });

  it("identifiersNear: identifiers around the cursor, nearest first, no keywords, strings or comments", async () => {
    const offset = TS.indexOf("return Math.PI");
    const names = await identifiersNear(TS, "typescript", offset, 1);
    assert.deepEqual(names, ["Math", "PI", "radius", "area"]);
    const wide = await identifiersNear(TS, "typescript", offset, 4);
    assert.ok(wide?.includes("Circle") && wide.includes("Shape") && !wide.includes("return"));
    const py = await identifiersNear(PY, "python", PY.indexOf("g = Greeter"), 0);
    assert.deepEqual(py, ["g", "Greeter", "argv"]);
    assert.equal(await identifiersNear("x", "plaintext", 0, 3), undefined);
  });

  it("a text over the parse limit is not parsed: no symbols, at once", async () => {
    const huge = "export function add(a: number, b: number) {\n  return a + b;\n}\n".repeat(Math.ceil((MAX_PARSE_CHARS + 1) / 62));
    const started = performance.now();
    assert.equal(await outline(huge, "typescript"), undefined);
    assert.ok(performance.now() - started < 200, `${(performance.now() - started).toFixed(0)} ms`);
    assert.ok((await outline(huge.slice(0, 100_000), "typescript"))!.length > 0, "a smaller text still is");
  });

  it("prepareSymbols loads a grammar and its queries ahead of use", async () => {
    assert.equal(await prepareSymbols("java"), true);
    assert.equal(await prepareSymbols("plaintext"), false);
  });

  it("identifiersNear feeds definitionSnippets", async () => {
    const near = await identifiersNear(PY, "python", PY.indexOf("g = Greeter"), 1);
    const snippets = await definitionSnippets(PY, "python", new Set(near));
    assert.deepEqual(snippets?.map((s) => s.name), ["Greeter", "main"]);
  });
});
