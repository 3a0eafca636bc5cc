// Base64 → bytes with atob, which every supported runtime has (Node ≥ 16, Deno, Bun, workerd, browsers).

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
