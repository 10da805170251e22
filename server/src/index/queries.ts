// Tree-sitter queries per grammar: the data that symbols.ts runs. Conventions:
//  - definitions: `@definition.<kind>` marks the definition node, `@name` its name. When several
//    patterns capture the same node, the EARLIEST pattern wins, so specific patterns come first
//    (an arrow-function const is a function, not a const). A `function` nested in a class-like
//    definition is reported as a `method` by symbols.ts, so grammars need not say it twice.
//  - imports: `@import` marks a whole import/include/use statement.
// A query that names a node type its grammar lacks fails to compile; queries.test.ts compiles
// every query here against its grammar.
import type { GrammarId } from "./grammars";

export const SYMBOL_KINDS = ["function", "method", "class", "interface", "type", "enum", "const", "variable", "struct", "trait", "impl", "module"] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];

export interface GrammarQueries {
  definitions?: string;
  imports?: string;
}

const FUNCTION_VALUE = "[(arrow_function) (function_expression) (generator_function)]";

const JS_DEFINITIONS = `
(program (lexical_declaration (variable_declarator name: (identifier) @name value: ${FUNCTION_VALUE}) @definition.function))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: ${FUNCTION_VALUE}) @definition.function)))
(program (lexical_declaration "const" (variable_declarator name: (identifier) @name) @definition.const))
(program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name) @definition.const)))
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(class_declaration name: (_) @name) @definition.class
(method_definition name: (_) @name) @definition.method
`;

const JS_IMPORTS = `
(import_statement) @import
(export_statement source: (_)) @import
(program (lexical_declaration (variable_declarator value: (call_expression function: (identifier) @_f (#eq? @_f "require")))) @import)
(program (expression_statement (call_expression function: (identifier) @_f (#eq? @_f "require"))) @import)
`;

const TS_DEFINITIONS = `${JS_DEFINITIONS}
(public_field_definition name: (_) @name value: ${FUNCTION_VALUE}) @definition.method
(function_signature name: (_) @name) @definition.function
(abstract_class_declaration name: (_) @name) @definition.class
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(internal_module name: (_) @name) @definition.module
(module name: (_) @name) @definition.module
`;

const TS_IMPORTS = `${JS_IMPORTS}
(import_alias) @import
`;

// C and C++ share the declarator shapes: `f()`, `*f()`, `**f()`.
const cFunctions = (name: string, pointer: string) => `
(function_definition declarator: (function_declarator declarator: ${name} @name)) @definition.function
(function_definition declarator: (${pointer} declarator: (function_declarator declarator: ${name} @name))) @definition.function
(function_definition declarator: (${pointer} declarator: (${pointer} declarator: (function_declarator declarator: ${name} @name)))) @definition.function
(declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(declaration declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(preproc_function_def name: (identifier) @name) @definition.function
(preproc_def name: (identifier) @name) @definition.const
(type_definition declarator: (type_identifier) @name) @definition.type
`;

export const QUERIES: Readonly<Partial<Record<GrammarId, GrammarQueries>>> = {
  javascript: {
    definitions: `${JS_DEFINITIONS}
(field_definition property: (_) @name value: ${FUNCTION_VALUE}) @definition.method`,
    imports: JS_IMPORTS,
  },
  typescript: { definitions: TS_DEFINITIONS, imports: TS_IMPORTS },
  tsx: { definitions: TS_DEFINITIONS, imports: TS_IMPORTS },
  python: {
    definitions: `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(type_alias_statement left: (type [(identifier) @name (generic_type (identifier) @name)])) @definition.type
(module (expression_statement (assignment left: (identifier) @name (#match? @name "^[A-Z][A-Z0-9_]*$")) @definition.const))
(module (expression_statement (assignment left: (identifier) @name) @definition.variable))`,
    imports: `
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import`,
  },
  go: {
    definitions: `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(method_elem name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.const))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @name) @definition.variable)))`,
    imports: `(import_declaration) @import`,
  },
  rust: {
    definitions: `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(macro_definition name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(impl_item type: (_) @name) @definition.impl
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.const
(static_item name: (identifier) @name) @definition.const
(mod_item name: (identifier) @name) @definition.module`,
    imports: `
(use_declaration) @import
(extern_crate_declaration) @import`,
  },
  java: {
    definitions: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(field_declaration (modifiers "static" "final") declarator: (variable_declarator name: (identifier) @name)) @definition.const`,
    imports: `(import_declaration) @import`,
  },
  c: {
    definitions: `${cFunctions("(identifier)", "pointer_declarator")}
(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum`,
    imports: `(preproc_include) @import`,
  },
  cpp: {
    definitions: `${cFunctions("(_)", "_")}
(field_declaration declarator: (function_declarator declarator: (_) @name)) @definition.method
(class_specifier name: (_) @name body: (field_declaration_list)) @definition.class
(struct_specifier name: (_) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (_) @name body: (field_declaration_list)) @definition.struct
(enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
(alias_declaration name: (type_identifier) @name) @definition.type
(concept_definition name: (identifier) @name) @definition.type
(namespace_definition name: (_) @name) @definition.module`,
    imports: `
(preproc_include) @import
(using_declaration) @import`,
  },
  c_sharp: {
    definitions: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(local_function_statement name: (identifier) @name) @definition.function
(namespace_declaration name: (_) @name) @definition.module
(file_scoped_namespace_declaration name: (_) @name) @definition.module`,
    imports: `(using_directive) @import`,
  },
  ruby: {
    definitions: `
(class name: (_) @name) @definition.class
(module name: (_) @name) @definition.module
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(assignment left: (constant) @name) @definition.const`,
    imports: `((call method: (identifier) @_m) @import (#match? @_m "^(require|require_relative|load)$"))`,
  },
  php: {
    definitions: `
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method
(namespace_definition name: (namespace_name) @name) @definition.module
(const_declaration (const_element (name) @name)) @definition.const`,
    imports: `
(namespace_use_declaration) @import
(expression_statement [(require_expression) (require_once_expression) (include_expression) (include_once_expression)]) @import`,
  },
  bash: {
    definitions: `(function_definition name: (word) @name) @definition.function`,
    imports: `((command name: (command_name) @_c) @import (#match? @_c "^(source|\\\\.)$"))`,
  },
};

/** Leaf node types that name something, across the grammars above (for identifiersNear). */
export const IDENTIFIER_TYPES: ReadonlySet<string> = new Set([
  "identifier",
  "type_identifier",
  "field_identifier",
  "property_identifier",
  "shorthand_property_identifier",
  "shorthand_property_identifier_pattern",
  "namespace_identifier",
  "package_identifier",
  "constant", // Ruby
  "name", // PHP
  "variable_name", // Bash
  "command_name", // Bash
]);
