// Patterns appended to the stock tags queries where they miss common definitions (checked against
// universal-ctags on real code, see bench/symbols.ts). Captures: `@name` the symbol's name,
// `@definition.<kind>` the whole definition (its line range), `@container` an explicit enclosing name
// (Go receivers, C++ `Foo::bar`), `@scope` + `@name` a named range that only serves as a container
// (Rust `impl Foo { ... }`). A later pattern overrides an earlier one tagging the same name node, so these
// refine the stock kinds (a C struct is a `struct`, not a `class`). `(#set! top-level)` keeps a match only
// outside function and class bodies.

export interface ExtraTags {
  patterns: string;
  /**
   * Patterns placed before the stock ones, so that any other pattern tagging the same name wins: broad
   * catch-alls such as "a module-level const is a constant", which a function or class pattern refines.
   */
  fallback?: string;
  /** Stock patterns to drop (tested against each pattern's text), where they tag non-definitions. */
  dropStock?: RegExp[];
}


// Module-level `const`s are constants, unless a later pattern makes them a function or a class
// (`const f = () => {}`, `const C = class {}`). `const x = require('x')` is an import, not a definition.
const JS_TS_CONSTANTS = `
((lexical_declaration kind: "const" (variable_declarator name: (identifier) @name !value) @definition.constant)
  (#set! top-level))

((lexical_declaration kind: "const" (variable_declarator name: (identifier) @name value: (_) @value) @definition.constant)
  (#not-match? @value "^require[ ]*[(]")
  (#set! top-level))
`;

// Shared by JS and TS: private (#name) and computed ([SYMBOL]) methods, which the stock query skips, and
// module-level object literals (ctags reports those as classes; models look up such tables by name).
const JS_TS_SHARED = `
(method_definition name: [(private_property_identifier) (computed_property_name)] @name) @definition.method

; top-level is checked in extractSymbols: a pattern rooted at program doubles the query time.
((variable_declarator name: (identifier) @name value: (object)) @definition.constant
  (#set! top-level))

((assignment_expression left: (member_expression property: (property_identifier) @name) right: (object)) @definition.constant
  (#not-eq? @name "exports")
  (#set! top-level))
`;

const JS_COMMON = JS_TS_SHARED + `
(field_definition
  property: (property_identifier) @name
  value: [(arrow_function) (function_expression)]) @definition.method

(method_definition
  name: (property_identifier) @name
  (#eq? @name "constructor")) @definition.method

(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class
`;

const TS_COMMON = JS_TS_SHARED + `
(public_field_definition
  name: (property_identifier) @name
  value: [(arrow_function) (function_expression)]) @definition.method

(method_definition
  name: (property_identifier) @name
  (#eq? @name "constructor")) @definition.method

(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

(enum_declaration name: (identifier) @name) @definition.enum

(type_alias_declaration name: (type_identifier) @name) @definition.type

(internal_module name: (identifier) @name) @definition.module

(class_declaration name: (type_identifier) @name) @definition.class
`;

// C and C++ share most of their declarator shapes. A function definition's name is found by walking its
// declarator (`@declarator`, see declaratorName.ts), whatever pointers, references and qualifiers wrap it.
const C_FAMILY = `
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct

(union_specifier name: (type_identifier) @name body: (_)) @definition.union

(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

(function_definition declarator: (_) @declarator) @definition.function

(preproc_function_def name: (identifier) @name) @definition.macro

(preproc_def name: (identifier) @name) @definition.macro
`;

const CPP_ONLY = `
(class_specifier name: (type_identifier) @name body: (_)) @definition.class

; Specialisations (\`template <> struct hash<Foo> {...}\`) define the template's name.
(class_specifier name: (template_type name: (type_identifier) @name) body: (_)) @definition.class

(struct_specifier name: (template_type name: (type_identifier) @name) body: (_)) @definition.struct

(namespace_definition name: (namespace_identifier) @name) @definition.module

; Member function declarations (prototypes in the class body); data members have no function declarator.
(field_declaration declarator: (_) @declarator) @definition.method

(declaration
  declarator: (function_declarator declarator: (destructor_name) @name)) @definition.method
`;

export const EXTRA_TAGS: Record<string, ExtraTags> = {
  javascript: { patterns: JS_COMMON, fallback: JS_TS_CONSTANTS },
  typescript: { patterns: TS_COMMON, fallback: JS_TS_CONSTANTS },
  tsx: { patterns: TS_COMMON, fallback: JS_TS_CONSTANTS },
  python: {
    patterns: `
(assignment left: (identifier) @name right: (lambda)) @definition.function
`,
  },
  go: {
    patterns: `
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct

(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface

(type_alias name: (type_identifier) @name) @definition.type

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @container
        (pointer_type (type_identifier) @container)
        (generic_type type: (type_identifier) @container)
        (pointer_type (generic_type type: (type_identifier) @container))
      ]))
  name: (field_identifier) @name) @definition.method

(method_elem name: (field_identifier) @name) @definition.method

(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
`,
  },
  rust: {
    patterns: `
(struct_item name: (type_identifier) @name) @definition.struct

(union_item name: (type_identifier) @name) @definition.struct

(enum_item name: (type_identifier) @name) @definition.enum

(type_item name: (type_identifier) @name) @definition.type

(function_signature_item name: (identifier) @name) @definition.method

(const_item name: (identifier) @name) @definition.constant

(static_item name: (identifier) @name) @definition.constant

(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
  ]
  body: (_)) @scope
`,
  },
  java: {
    patterns: `
(enum_declaration name: (identifier) @name) @definition.enum

(record_declaration name: (identifier) @name) @definition.class

(annotation_type_declaration name: (identifier) @name) @definition.interface

(constructor_declaration name: (identifier) @name) @definition.method

(compact_constructor_declaration name: (identifier) @name) @definition.method

; Constants: static final fields (either order), and interface fields, which are static final implicitly.
; Each declarator is its own definition (\`static final int A = 1, B = 2;\` defines two, neither inside the other).
(field_declaration (modifiers "static" "final") declarator: (variable_declarator name: (identifier) @name) @definition.constant)

(field_declaration (modifiers "final" "static") declarator: (variable_declarator name: (identifier) @name) @definition.constant)

(constant_declaration declarator: (variable_declarator name: (identifier) @name) @definition.constant)
`,
  },
  // The stock enum and class patterns also tag uses (`enum color c;`, `class Foo;`): ours require a body.
  c: { patterns: C_FAMILY, dropStock: [/^\(enum_specifier/] },
  cpp: { patterns: C_FAMILY + CPP_ONLY, dropStock: [/^\(enum_specifier/, /^\(class_specifier/] },
  csharp: {
    patterns: `
(struct_declaration name: (identifier) @name) @definition.struct

(enum_declaration name: (identifier) @name) @definition.enum

(record_declaration name: (identifier) @name) @definition.class

(constructor_declaration name: (identifier) @name) @definition.method

(destructor_declaration name: (identifier) @name) @definition.method

(delegate_declaration name: (identifier) @name) @definition.type

(local_function_statement name: (identifier) @name) @definition.function

(file_scoped_namespace_declaration name: (_) @name) @definition.module

(namespace_declaration name: (qualified_name) @name) @definition.module

(field_declaration
  (modifier) @_const
  (variable_declaration (variable_declarator name: (identifier) @name) @definition.constant)
  (#eq? @_const "const"))
`,
  },
  ruby: {
    // `FOO = 1`, `Outer::FOO = 1`, `FOO ||= {}`: Ruby allows constant assignment only outside methods.
    patterns: `
(assignment left: [(constant) @name (scope_resolution name: (constant) @name)]) @definition.constant

(operator_assignment left: (constant) @name) @definition.constant
`,
  },
  php: {
    patterns: `
(enum_declaration name: (name) @name) @definition.enum

(method_declaration name: (name) @name) @definition.method
`,
  },
};
