// The value types of the rules language: String (a byte string), Integer, Boolean, IP address,
// and arrays and maps of them, with the names Cloudflare's documentation uses for them.

/** A type of the rules language. Plain, immutable data: compare with `sameType`, print with `typeName`. */
export type RuleType =
  | { readonly kind: "string" }
  | { readonly kind: "int" }
  | { readonly kind: "bool" }
  | { readonly kind: "ip" }
  | { readonly kind: "array"; readonly of: RuleType }
  | { readonly kind: "map"; readonly of: RuleType };

/** A byte string (UTF-8 when it came from text; compared byte by byte). */
export const STRING: RuleType = Object.freeze({ kind: "string" });
/** A signed integer; botsift keeps integers within ±(2^53 − 1). */
export const INT: RuleType = Object.freeze({ kind: "int" });
export const BOOL: RuleType = Object.freeze({ kind: "bool" });
/** An IPv4 or IPv6 address. */
export const IP: RuleType = Object.freeze({ kind: "ip" });

export function arrayOf(of: RuleType): RuleType {
  return Object.freeze({ kind: "array", of });
}

/** A map from byte-string keys to values of type `of`. */
export function mapOf(of: RuleType): RuleType {
  return Object.freeze({ kind: "map", of });
}

export function sameType(a: RuleType, b: RuleType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "array" || a.kind === "map") return sameType(a.of, (b as typeof a).of);
  return true;
}

/** The element type of an array or the value type of a map, else undefined. */
export function elementType(t: RuleType): RuleType | undefined {
  return t.kind === "array" || t.kind === "map" ? t.of : undefined;
}

/** "String", "Integer", "Boolean", "IP address", "Array<String>", "Map<Array<String>>". */
export function typeName(t: RuleType): string {
  switch (t.kind) {
    case "string": return "String";
    case "int": return "Integer";
    case "bool": return "Boolean";
    case "ip": return "IP address";
    case "array": return `Array<${typeName(t.of)}>`;
    case "map": return `Map<${typeName(t.of)}>`;
  }
}

/** typeName with an article, for sentences: "a String", "an Integer", "an Array<String>". */
export function aTypeName(t: RuleType): string {
  const name = typeName(t);
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}
