/**
 * Distinguished names compared the way AD compares them: RDN by RDN, attribute types and values
 * case-insensitively, escapes resolved (`\,`, `\2C`, `\\`, quoted values), spaces around separators
 * ignored. Splitting a DN on plain commas is wrong for `CN=Taylor\, Ashley,OU=…`; this is not.
 */
import { caseFold } from './text-values.js';

/** One attribute-type-and-value of an RDN, unescaped. */
export interface DnAttribute {
  /** Attribute type, lower-cased (`cn`, `ou`, `dc`, or an OID). */
  type: string;
  /** Value with escapes resolved; `#…` hex values are kept as written. */
  value: string;
}

/** Parses an RFC 4514 DN (with the RFC 1779 quoted form AD accepts) into RDNs, leaf first; null when malformed. */
export function parseDn(dn: string): DnAttribute[][] | null {
  const rdns: DnAttribute[][] = [];
  if (dn.trim() === '') return rdns;
  let i = 0;
  let rdn: DnAttribute[] = [];
  for (;;) {
    while (dn[i] === ' ') i++;
    const equals = dn.indexOf('=', i);
    if (equals < 0) return null;
    const type = dn.slice(i, equals).trim().toLowerCase();
    if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) return null;
    i = equals + 1;
    while (dn[i] === ' ') i++;

    const bytes: number[] = [];
    let significant = 0;
    const push = (text: string, keep: boolean) => {
      bytes.push(...Buffer.from(text, 'utf8'));
      if (keep || text !== ' ') significant = bytes.length;
    };
    if (dn[i] === '"') {
      i++;
      while (i < dn.length && dn[i] !== '"') {
        if (dn[i] === '\\') i++;
        if (i >= dn.length) return null;
        const char = String.fromCodePoint(dn.codePointAt(i)!);
        push(char, true);
        i += char.length;
      }
      if (dn[i] !== '"') return null;
      i++;
      while (dn[i] === ' ') i++;
    } else {
      // Fast path: a value without escapes is its text up to the separator, trailing spaces dropped.
      let end = i;
      while (end < dn.length && dn[end] !== ',' && dn[end] !== ';' && dn[end] !== '+' && dn[end] !== '\\') end++;
      if (dn[end] !== '\\') {
        rdn.push({ type, value: dn.slice(i, end).replace(/ +$/, '') });
        i = end;
        const separator = dn[i];
        if (separator === undefined) {
          rdns.push(rdn);
          return rdns;
        }
        i++;
        if (separator !== '+') {
          rdns.push(rdn);
          rdn = [];
        }
        continue;
      }
      while (i < dn.length && !',;+'.includes(dn[i]!)) {
        if (dn[i] === '\\') {
          const hex = /^[0-9a-fA-F]{2}/.exec(dn.slice(i + 1, i + 3));
          if (hex) {
            bytes.push(parseInt(hex[0], 16));
            significant = bytes.length;
            i += 3;
            continue;
          }
          i++;
          if (i >= dn.length) return null;
          const char = String.fromCodePoint(dn.codePointAt(i)!);
          push(char, true);
          i += char.length;
          continue;
        }
        const char = String.fromCodePoint(dn.codePointAt(i)!);
        push(char, false);
        i += char.length;
      }
    }
    const value = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes.slice(0, significant)));
    rdn.push({ type, value });

    const separator = dn[i];
    if (separator === undefined) {
      rdns.push(rdn);
      return rdns;
    }
    if (separator !== ',' && separator !== ';' && separator !== '+') return null;
    i++;
    if (separator !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
  }
}

/** One RDN as a comparison key: attribute values case-folded, multi-valued RDNs in a stable order. */
function rdnKey(rdn: DnAttribute[]): string {
  return rdn
    .map((a) => `${a.type}=${caseFold(a.value)}`)
    .sort()
    .join('+');
}

/** The DN's RDN keys, leaf first, or null when malformed. */
export function dnKeys(dn: string): string[] | null {
  return parseDn(dn)?.map(rdnKey) ?? null;
}

/** True when `dn` is `base` or lies under it (whole RDNs, case-insensitive, escapes resolved). */
export function isDnWithin(dn: string, base: string): boolean {
  const leaf = dnKeys(dn);
  return leaf !== null && areKeysWithin(leaf, baseKeys(base));
}

/** True when the DN with RDN keys `leaf` ({@link dnKeys}) is `base` or lies under it. */
export function isKeysWithin(leaf: readonly string[], base: string): boolean {
  return areKeysWithin(leaf, baseKeys(base));
}

function areKeysWithin(leaf: readonly string[], root: readonly string[] | null): boolean {
  if (!root || root.length > leaf.length) return false;
  const offset = leaf.length - root.length;
  return root.every((key, i) => key === leaf[offset + i]);
}

/** Scope bases are few and asked about once per object: parse each once (bounded, for long-lived processes). */
const baseKeyCache = new Map<string, string[] | null>();

function baseKeys(base: string): string[] | null {
  let keys = baseKeyCache.get(base);
  if (keys === undefined) {
    keys = dnKeys(base);
    if (baseKeyCache.size >= 1000) baseKeyCache.clear();
    baseKeyCache.set(base, keys);
  }
  return keys;
}

/** The DNS domain named by the DN's `DC=` components (`DC=corp,DC=example,DC=com` → `corp.example.com`), or null. */
export function dnDomain(dn: string): string | null {
  const dcs = (parseDn(dn) ?? []).filter((rdn) => rdn.length === 1 && rdn[0]!.type === 'dc').map((rdn) => rdn[0]!.value);
  return dcs.length === 0 ? null : dcs.join('.');
}
