// The sandbox's own guest-side source: rendering values for print and the REPL, describing variables and
// errors. It runs inside QuickJS because walking a guest object from the host costs one call per property.
// It captures every built-in it relies on up front, so model code that clobbers `JSON` or `Array.prototype`
// cannot break printing. Evaluated once; the host keeps handles to the returned functions.

/** Names of the properties of the object the library returns; the host reads them by these names. */
export interface GuestLibraryExports {
  print: unknown;
  console: unknown;
  SHOW_VARS: unknown;
  renderValue: unknown;
  describeError: unknown;
  describeVariablesJSON: unknown;
  markBaseline: unknown;
  lockGlobals: unknown;
  checkGlobals: unknown;
  parseJSON: unknown;
  toJSONText: unknown;
}

export const GUEST_LIBRARY_EXPORTS: Array<keyof GuestLibraryExports> = [
  'print',
  'console',
  'SHOW_VARS',
  'renderValue',
  'describeError',
  'describeVariablesJSON',
  'markBaseline',
  'lockGlobals',
  'checkGlobals',
  'parseJSON',
  'toJSONText',
];

/** Engine globals the library provides to model code (the rest of its exports stay host-only). */
export const GUEST_LIBRARY_GLOBALS: Array<keyof GuestLibraryExports> = ['print', 'console', 'SHOW_VARS'];

/** A function expression taking the host's `emit(text)` and returning the exports above. */
export const GUEST_LIBRARY_SOURCE = String.raw`(function (emit) {
  'use strict';
  const MAX_DEPTH = 2;            // like util.inspect's default depth
  const MAX_ITEMS = 100;          // items or keys shown per array, object, map or set
  const MAX_NESTED_STRING = 10000; // a string inside a structure is cut beyond this
  const LINE_WIDTH = 80;

  const stringify = JSON.stringify;
  const parseJSON = JSON.parse;
  const isArray = Array.isArray;
  const keysOf = Object.keys;
  const namesOf = Object.getOwnPropertyNames;
  const descriptorOf = Object.getOwnPropertyDescriptor;
  const protoOf = Object.getPrototypeOf;
  const objectIs = Object.is;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const isExtensible = Object.isExtensible;
  const setPrototypeOf = Object.setPrototypeOf;
  const isView = ArrayBuffer.isView;
  const fnToString = Function.prototype.call.bind(Function.prototype.toString);
  const errorToString = Function.prototype.call.bind(Error.prototype.toString);
  const dateToISO = Function.prototype.call.bind(Date.prototype.toISOString);
  const dateValue = Function.prototype.call.bind(Date.prototype.getTime);
  const regexpToString = Function.prototype.call.bind(RegExp.prototype.toString);
  const mapEntries = Function.prototype.call.bind(Map.prototype.entries);
  const mapSize = descriptorOf(Map.prototype, 'size').get;
  const setValues = Function.prototype.call.bind(Set.prototype.values);
  const setSize = descriptorOf(Set.prototype, 'size').get;
  const ErrorCtor = Error, DateCtor = Date, RegExpCtor = RegExp, MapCtor = Map, SetCtor = Set, PromiseCtor = Promise;
  const StringCtor = String, ObjectCtor = Object;
  const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  const lineBreaks = /\r\n|\r|\n/;

  function quote(text, limit) {
    if (text.length > limit) {
      return stringify(text.slice(0, limit)) + '... (' + (text.length - limit) + ' more characters)';
    }
    return stringify(text);
  }

  function functionLabel(fn) {
    let source = '';
    try { source = fnToString(fn); } catch (e) { /* some natives refuse */ }
    const name = fn.name ? ': ' + fn.name : ' (anonymous)';
    return source.slice(0, 5) === 'class' ? '[class' + (fn.name ? ' ' + fn.name : '') + ']' : '[Function' + name + ']';
  }

  function constructorName(value) {
    const proto = protoOf(value);
    if (proto === null) return '[Object: null prototype]';
    const ctor = descriptorOf(proto, 'constructor');
    const name = ctor && typeof ctor.value === 'function' ? ctor.value.name : '';
    return name === 'Object' ? '' : name;
  }

  function errorLabel(error) {
    try { return errorToString(error); } catch (e) { return '[Error]'; }
  }

  function layout(prefix, open, items, close, depth) {
    if (items.length === 0) return prefix + open + close;
    let width = prefix.length + open.length + close.length;
    let multiline = false;
    for (let i = 0; i < items.length; i++) {
      width += items[i].length + 2;
      if (items[i].indexOf('\n') >= 0) multiline = true;
    }
    if (!multiline && width <= LINE_WIDTH) return prefix + open + ' ' + items.join(', ') + ' ' + close;
    const pad = '  '.repeat(depth + 1);
    return prefix + open + '\n' + pad + items.join(',\n' + pad) + '\n' + '  '.repeat(depth) + close;
  }

  function propertyText(object, key, depth, seen) {
    const descriptor = descriptorOf(object, key);
    const label = identifier.test(key) ? key : stringify(key);
    if (descriptor && !('value' in descriptor)) return label + ': [Getter' + (descriptor.set ? '/Setter' : '') + ']';
    return label + ': ' + inspect(descriptor ? descriptor.value : undefined, depth + 1, seen);
  }

  function inspect(value, depth, seen) {
    switch (typeof value) {
      case 'string': return depth === 0 ? stringify(value) : quote(value, MAX_NESTED_STRING);
      case 'number': return objectIs(value, -0) ? '-0' : StringCtor(value);
      case 'bigint': return StringCtor(value) + 'n';
      case 'boolean': case 'undefined': return StringCtor(value);
      case 'symbol': return value.toString();
      case 'function': return functionLabel(value);
    }
    if (value === null) return 'null';
    if (seen.indexOf(value) >= 0) return '[Circular]';
    if (value instanceof ErrorCtor) return depth === 0 && value.stack ? errorLabel(value) + '\n' + value.stack : '[' + errorLabel(value) + ']';
    if (value instanceof DateCtor) return dateValue(value) === dateValue(value) ? dateToISO(value) : 'Invalid Date';
    if (value instanceof RegExpCtor) return regexpToString(value);
    if (value instanceof PromiseCtor) return 'Promise {}';
    const array = isArray(value);
    if (depth > MAX_DEPTH) {
      return array ? '[Array]' : '[' + (constructorName(value) || 'Object') + ']';
    }
    seen.push(value);
    try {
      const items = [];
      let prefix = '', open = '{', close = '}', total = 0;
      if (array || isView(value)) {
        open = '['; close = ']';
        total = value.length;
        if (!array) prefix = constructorName(value) + '(' + total + ') ';
        for (let i = 0; i < total && i < MAX_ITEMS; i++) items.push(inspect(value[i], depth + 1, seen));
      } else if (value instanceof MapCtor) {
        total = mapSize.call(value);
        prefix = 'Map(' + total + ') ';
        const it = mapEntries(value);
        for (let i = 0; i < MAX_ITEMS; i++) {
          const step = it.next();
          if (step.done) break;
          items.push(inspect(step.value[0], depth + 1, seen) + ' => ' + inspect(step.value[1], depth + 1, seen));
        }
      } else if (value instanceof SetCtor) {
        total = setSize.call(value);
        prefix = 'Set(' + total + ') ';
        const it = setValues(value);
        for (let i = 0; i < MAX_ITEMS; i++) {
          const step = it.next();
          if (step.done) break;
          items.push(inspect(step.value, depth + 1, seen));
        }
      } else {
        const keys = keysOf(value);
        total = keys.length;
        const name = constructorName(value);
        if (name) prefix = name + ' ';
        for (let i = 0; i < total && i < MAX_ITEMS; i++) items.push(propertyText(value, keys[i], depth, seen));
      }
      if (total > MAX_ITEMS) items.push('... ' + (total - MAX_ITEMS) + ' more ' + (array ? 'items' : 'entries'));
      return layout(prefix, open, items, close, depth);
    } finally {
      seen.pop();
    }
  }

  function render(value) {
    return typeof value === 'string' ? value : inspect(value, 0, []);
  }

  function print() {
    let line = '';
    for (let i = 0; i < arguments.length; i++) line += (i > 0 ? ' ' : '') + render(arguments[i]);
    emit(line);
  }

  const consoleObject = freeze({
    log: print, info: print, warn: print, error: print, debug: print, trace: print, dir: print, table: print,
  });

  // Names present once the engine is set up; everything else on the global object is the model's.
  let baseline = null;
  function markBaseline() { baseline = namesOf(globalThis); }

  // Engine functions are made read-only, so a plain assignment does nothing. QuickJS lets
  // Object.defineProperty replace even a read-only, non-configurable property of the global object, so
  // after every cell they are also checked against the originals kept here and put back. The global
  // prototype is remembered too, so a cell that swaps it (a Proxy that answers every name) can be undone.
  const engine = [];
  let globalProto = null;
  function lockGlobals(namesJSON) {
    const names = parseJSON(namesJSON);
    for (let i = 0; i < names.length; i++) {
      const descriptor = descriptorOf(globalThis, names[i]);
      if (!descriptor) continue;
      engine.push({ name: names[i], value: descriptor.value });
      defineProperty(globalThis, names[i], { value: descriptor.value, writable: false, configurable: false });
    }
    globalProto = protoOf(globalThis);
  }

  // Returns '' when later cells can run as usual, else why they cannot (the host then replaces the REPL).
  function checkGlobals() {
    if (protoOf(globalThis) !== globalProto) {
      try { setPrototypeOf(globalThis, globalProto); } catch (e) { /* reported below */ }
    }
    if (!isExtensible(globalThis)) {
      return 'the cell made the global object non-extensible (Object.freeze, Object.seal or Object.preventExtensions on globalThis), which blocks every later declaration';
    }
    if (protoOf(globalThis) !== globalProto) return "the cell replaced the global object's prototype and it could not be restored";
    const restored = [];
    for (let i = 0; i < engine.length; i++) {
      const descriptor = descriptorOf(globalThis, engine[i].name);
      if (descriptor && descriptor.value === engine[i].value && !descriptor.get && !descriptor.set) continue;
      try {
        defineProperty(globalThis, engine[i].name, { value: engine[i].value, writable: false, configurable: false });
      } catch (e) { /* checked below */ }
      const now = descriptorOf(globalThis, engine[i].name);
      if (!now || now.value !== engine[i].value) return 'the cell redefined the engine function ' + engine[i].name + ' and it could not be restored';
      restored.push(engine[i].name);
    }
    if (restored.length > 0) emit('[the engine put back ' + restored.join(', ') + ', which this cell redefined: engine functions cannot be replaced]');
    return '';
  }

  function userVariableNames() {
    const all = namesOf(globalThis);
    const names = [];
    for (let i = 0; i < all.length; i++) if (baseline === null || baseline.indexOf(all[i]) < 0) names.push(all[i]);
    return names;
  }

  function typeName(value) {
    if (value === null) return 'null';
    if (typeof value === 'function') return functionLabel(value).slice(0, 6) === '[class' ? 'class' : 'function';
    if (typeof value !== 'object') return typeof value;
    if (isArray(value)) return 'array';
    if (value instanceof MapCtor) return 'Map';
    if (value instanceof SetCtor) return 'Set';
    if (value instanceof ErrorCtor) return 'Error';
    return constructorName(value) || 'object';
  }

  function summarize(value) {
    if (typeof value === 'string') {
      const head = value.slice(0, 60);
      return value.length + ' chars: ' + stringify(head) + (value.length > 60 ? '...' : '');
    }
    if (typeof value === 'function') {
      const source = fnToString(value);
      const firstLine = source.split(lineBreaks)[0];
      const signature = firstLine.indexOf('{') >= 0 ? firstLine.slice(0, firstLine.indexOf('{')).trim() : firstLine;
      return signature.length > 100 ? signature.slice(0, 100) + '...' : signature;
    }
    if (value === null || typeof value !== 'object') return inspect(value, 0, []).slice(0, 100);
    if (isArray(value) || isView(value)) return 'length ' + value.length;
    if (value instanceof MapCtor) return mapSize.call(value) + ' entries';
    if (value instanceof SetCtor) return setSize.call(value) + ' items';
    if (value instanceof ErrorCtor) return errorLabel(value);
    const keys = keysOf(value);
    const shown = keys.slice(0, 8).join(', ');
    return keys.length + ' keys' + (keys.length > 0 ? ': ' + shown + (keys.length > 8 ? ', ...' : '') : '');
  }

  function describeVariables() {
    const names = userVariableNames();
    const out = [];
    for (let i = 0; i < names.length; i++) {
      const descriptor = descriptorOf(globalThis, names[i]);
      const value = descriptor && 'value' in descriptor ? descriptor.value : undefined;
      let summary;
      try { summary = summarize(value); } catch (e) { summary = '(cannot summarize)'; }
      out.push({ name: names[i], type: typeName(value), summary: summary });
    }
    return out;
  }

  function describeVariablesJSON() { return stringify(describeVariables()); }

  function SHOW_VARS() {
    const vars = describeVariables();
    if (vars.length === 0) {
      emit('(no variables yet)');
    } else {
      let text = '';
      for (let i = 0; i < vars.length; i++) {
        text += (i > 0 ? '\n' : '') + vars[i].name + ': ' + vars[i].type + ' - ' + vars[i].summary;
      }
      emit(text);
    }
    const names = [];
    for (let i = 0; i < vars.length; i++) names.push(vars[i].name);
    return names;
  }

  // "TypeError: x is not a function (at line 3)": the model needs the message and where in its own code.
  function describeError(error) {
    if (!(error instanceof ErrorCtor)) return 'Uncaught ' + inspect(error, 0, []);
    let text = errorLabel(error);
    const frames = StringCtor(error.stack || '').split(lineBreaks);
    for (let i = 0; i < frames.length; i++) {
      const match = /at (?:(\S+) )?\(?((?:cell-\d+|prelude)\.js):(\d+)/.exec(frames[i]);
      if (match) {
        const where = match[2] === 'prelude.js' ? 'prelude line ' : 'line ';
        const inFunction = match[1] && match[1] !== '<anonymous>' && match[1] !== '<eval>' ? ', in ' + match[1] : '';
        text += ' (at ' + where + match[3] + inFunction + ')';
        break;
      }
    }
    return text;
  }

  function renderValue(value) {
    return value === undefined ? undefined : inspect(value, 0, []);
  }

  function toJSONText(value) {
    return stringify(value);
  }

  return {
    print: print,
    console: consoleObject,
    SHOW_VARS: SHOW_VARS,
    renderValue: renderValue,
    describeError: describeError,
    describeVariablesJSON: describeVariablesJSON,
    markBaseline: markBaseline,
    lockGlobals: lockGlobals,
    checkGlobals: checkGlobals,
    parseJSON: parseJSON,
    toJSONText: toJSONText,
  };
})`;
