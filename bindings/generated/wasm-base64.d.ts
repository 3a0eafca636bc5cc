// Written by scripts/build-assets.mjs into dist/generated/: build/botsift.wasm, base64.
export declare const wasmBase64: string;
