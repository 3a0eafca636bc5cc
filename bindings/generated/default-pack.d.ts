// Written by scripts/build-assets.mjs into dist/generated/: the default pack, base64.
export declare const defaultPackBase64: string;
