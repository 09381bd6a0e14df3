/**
 * A parser and evaluator for the OPATH subset Exchange Online's `-Filter` accepts, pure and
 * independent of the mailbox model: callers pass a schema (property name → type) and an accessor.
 *
 * Grammar (operators and property names case-insensitive):
 *   filter     := or
 *   or         := and ( "-or" and )*
 *   and        := unary ( "-and" unary )*
 *   unary      := "-not" unary | primary
 *   primary    := "(" or ")" | comparison
 *   comparison := Property op value
 *   op         := -eq -ne -gt -lt -ge -le -like -notlike
 *   value      := 'single' | "double" | $true | $false | $null | bareword
 * `-and` binds tighter than `-or`; `-not` applies to the next primary. A filter wholly wrapped in
 * `{ … }` (the old scriptblock form) is accepted. Date values: US `M/d/yyyy h:mm:ss AM` (and
 * without seconds / time, 24-hour without AM/PM) or ISO 8601; read as UTC unless an offset is given.
 */

/** Comparison operators. */
export type OpathOperator = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'like' | 'notlike';

/** A literal on the right-hand side of a comparison. */
export type OpathLiteral =
  | { kind: 'string'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** The parsed filter tree. */
export type OpathNode =
  | { type: 'and' | 'or'; left: OpathNode; right: OpathNode }
  | { type: 'not'; operand: OpathNode }
  | { type: 'compare'; property: string; operator: OpathOperator; value: OpathLiteral; position: number };

/** Property types the evaluator knows. Datetime values are microseconds since the epoch (UTC). */
export type OpathType = 'string' | 'strings' | 'boolean' | 'datetime' | 'guid';

/** Filterable properties: lower-cased name → canonical name and type. */
export type OpathSchema = ReadonlyMap<string, { name: string; type: OpathType }>;

/** Value of a property for one record, as the accessor returns it. */
export type OpathValue = string | string[] | boolean | number | null;

/** The filter text is not valid OPATH. `position` is the 0-based offset of the offending token. */
export class OpathSyntaxError extends Error {
  constructor(
    readonly filter: string,
    readonly position: number,
    detail: string,
  ) {
    super(`Invalid filter syntax. For a description of the filter parameter syntax see the command help. "${filter}" at position ${position + 1}. (${detail})`);
  }
}

/** The filter names a property that is not filterable, or compares it with a value of the wrong type. */
export class OpathBindError extends Error {}

type Token =
  | { t: 'lparen' | 'rparen'; pos: number }
  | { t: 'op'; name: string; pos: number }
  | { t: 'var'; name: string; pos: number }
  | { t: 'str'; text: string; pos: number }
  | { t: 'word'; text: string; pos: number };

const OPERATORS = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'like', 'notlike', 'and', 'or', 'not']);

/** Parses OPATH text into a tree. @throws OpathSyntaxError */
export function parseOpath(filter: string): OpathNode {
  let text = filter;
  let offset = 0;
  const braced = /^\s*\{([\s\S]*)\}\s*$/.exec(filter);
  if (braced) {
    text = braced[1] as string;
    offset = filter.indexOf('{') + 1;
  }
  const tokens = tokenize(text, filter, offset);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (detail: string, token = peek()): never => {
    throw new OpathSyntaxError(filter, token ? token.pos : filter.length, detail);
  };
  const isOp = (token: Token | undefined, name: string): boolean => token?.t === 'op' && token.name === name;

  const parseOr = (): OpathNode => {
    let left = parseAnd();
    while (isOp(peek(), 'or')) {
      i++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): OpathNode => {
    let left = parseUnary();
    while (isOp(peek(), 'and')) {
      i++;
      left = { type: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): OpathNode => {
    if (isOp(peek(), 'not')) {
      i++;
      return { type: 'not', operand: parseUnary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): OpathNode => {
    const token = peek();
    if (!token) return fail('unexpected end of filter');
    if (token.t === 'lparen') {
      i++;
      const inner = parseOr();
      if (peek()?.t !== 'rparen') fail("expected ')'");
      i++;
      return inner;
    }
    if (token.t !== 'word') return fail('expected a property name');
    i++;
    const opToken = peek();
    if (!opToken || opToken.t !== 'op' || ['and', 'or', 'not'].includes(opToken.name)) return fail('expected a comparison operator');
    i++;
    const valueToken = peek();
    if (!valueToken) return fail('expected a value');
    i++;
    let value: OpathLiteral;
    if (valueToken.t === 'str') value = { kind: 'string', text: valueToken.text };
    else if (valueToken.t === 'word') value = { kind: 'string', text: valueToken.text };
    else if (valueToken.t === 'var') {
      if (valueToken.name === 'true' || valueToken.name === 'false') value = { kind: 'bool', value: valueToken.name === 'true' };
      else if (valueToken.name === 'null') value = { kind: 'null' };
      else return fail(`unknown variable $${valueToken.name}`, valueToken);
    } else return fail('expected a value', valueToken);
    return { type: 'compare', property: token.text, operator: opToken.name as OpathOperator, value, position: token.pos };
  };

  if (tokens.length === 0) fail('empty filter');
  const tree = parseOr();
  if (i < tokens.length) fail('unexpected token');
  return tree;
}

function tokenize(text: string, filter: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const pos = i + offset;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c === '(' ? 'lparen' : 'rparen', pos });
      i++;
    } else if (c === "'" || c === '"') {
      // Quotes are escaped by doubling ('it''s'); in double quotes a backtick also escapes.
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new OpathSyntaxError(filter, pos, 'unterminated string');
        const d = text[j] as string;
        if (c === '"' && d === '`' && j + 1 < text.length) {
          out += text[j + 1];
          j += 2;
        } else if (d === c) {
          if (text[j + 1] === c) {
            out += c;
            j += 2;
          } else {
            j++;
            break;
          }
        } else {
          out += d;
          j++;
        }
      }
      tokens.push({ t: 'str', text: out, pos });
      i = j;
    } else if (c === '-' && /[A-Za-z]/.test(text[i + 1] ?? '')) {
      const m = /^-([A-Za-z]+)/.exec(text.slice(i)) as RegExpExecArray;
      const name = (m[1] as string).toLowerCase();
      if (!OPERATORS.has(name)) throw new OpathSyntaxError(filter, pos, `unknown operator -${m[1]}`);
      tokens.push({ t: 'op', name, pos });
      i += m[0].length;
    } else if (c === '$') {
      const m = /^\$([A-Za-z_]\w*)/.exec(text.slice(i));
      if (!m) throw new OpathSyntaxError(filter, pos, 'bad variable');
      tokens.push({ t: 'var', name: (m[1] as string).toLowerCase(), pos });
      i += m[0].length;
    } else {
      const m = /^[^\s()'"]+/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'word', text: m[0], pos });
      i += m[0].length;
    }
  }
  return tokens;
}

/** A compiled filter: evaluates one record through an accessor of canonical property names. */
export type OpathPredicate = (get: (property: string) => OpathValue) => boolean;

/**
 * Parses and type-checks a filter against a schema.
 * @throws OpathSyntaxError for bad syntax, OpathBindError for unknown properties or bad values.
 */
export function compileOpath(filter: string, schema: OpathSchema): OpathPredicate {
  return compileNode(parseOpath(filter), schema);
}

function compileNode(node: OpathNode, schema: OpathSchema): OpathPredicate {
  switch (node.type) {
    case 'and': {
      const [l, r] = [compileNode(node.left, schema), compileNode(node.right, schema)];
      return (get) => l(get) && r(get);
    }
    case 'or': {
      const [l, r] = [compileNode(node.left, schema), compileNode(node.right, schema)];
      return (get) => l(get) || r(get);
    }
    case 'not': {
      const inner = compileNode(node.operand, schema);
      return (get) => !inner(get);
    }
    case 'compare':
      return compileComparison(node, schema);
  }
}

function compileComparison(node: Extract<OpathNode, { type: 'compare' }>, schema: OpathSchema): OpathPredicate {
  const prop = schema.get(node.property.toLowerCase());
  if (!prop) throw new OpathBindError(`"${node.property}" is not a recognized filterable property. For a list of filterable properties see the command help.`);
  const { name, type } = prop;
  const op = node.operator;
  const literal = node.value;

  if (literal.kind === 'null') {
    if (op !== 'eq' && op !== 'ne') throw new OpathBindError(`The operator -${op} can't be used with $null.`);
    return (get) => isEmpty(get(name)) === (op === 'eq');
  }

  if (type === 'boolean') {
    if (op !== 'eq' && op !== 'ne') throw new OpathBindError(`The operator -${op} isn't supported for the boolean property "${name}".`);
    const wanted = literal.kind === 'bool' ? literal.value : parseBooleanText(literal.text, name);
    return (get) => (get(name) === wanted) === (op === 'eq');
  }

  if (type === 'datetime') {
    if (op === 'like' || op === 'notlike') throw new OpathBindError(`The operator -${op} isn't supported for the date property "${name}".`);
    if (literal.kind !== 'string') throw new OpathBindError(`Cannot convert value to type System.DateTime for property "${name}".`);
    const us = parseOpathDate(literal.text);
    if (us === null) throw new OpathBindError(`The value "${literal.text}" could not be converted to type System.DateTime for property "${name}".`);
    return (get) => {
      const v = get(name);
      if (typeof v !== 'number') return op === 'ne';
      return ordered(v, us, op);
    };
  }

  const text = literal.kind === 'bool' ? (literal.value ? 'True' : 'False') : literal.text;
  const needle = text.toLowerCase();
  const matchOne: (v: string) => boolean =
    op === 'like' || op === 'notlike'
      ? ((re) => (v: string) => re.test(v))(likePattern(text))
      : op === 'eq' || op === 'ne'
        ? (v: string) => v.toLowerCase() === needle
        : (v: string) => ordered(v.toLowerCase(), needle, op);
  const negated = op === 'ne' || op === 'notlike';
  return (get) => {
    const v = get(name);
    const values = Array.isArray(v) ? v : v === null || v === undefined ? [] : [String(v)];
    // Multi-valued: -eq/-like match when any value matches; -ne/-notlike when none does.
    const any = values.some(matchOne);
    return negated ? !any : any;
  };
}

function ordered<T extends number | string>(a: T, b: T, op: OpathOperator): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'lt':
      return a < b;
    case 'ge':
      return a >= b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function isEmpty(v: OpathValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function parseBooleanText(text: string, name: string): boolean {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new OpathBindError(`The value "${text}" could not be converted to type System.Boolean for property "${name}".`);
}

/** `*` matches any run of characters; everything else is literal; case-insensitive. */
function likePattern(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'is');
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(?:\s*(AM|PM))?)?$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an OPATH date literal to microseconds since the epoch, or null when it is not a date.
 * US culture `M/d/yyyy h:mm:ss AM/PM` (the documented form) or ISO 8601; UTC unless an offset is given.
 */
export function parseOpathDate(text: string): number | null {
  const value = text.trim();
  let year: number, month: number, day: number, hour = 0, minute = 0, second = 0, fraction = '', offsetMinutes = 0;
  let m = US_DATE.exec(value);
  if (m) {
    [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) [hour, minute, second, fraction] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7] ?? ''];
    const meridiem = m[8]?.toUpperCase();
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
    }
  } else if ((m = ISO_DATE.exec(value))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) [hour, minute, second, fraction] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7] ?? ''];
    const zone = m[8];
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    }
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return ms * 1000 + micros;
}
