// botsift/update: live pack updates and signed packs, for any runtime.

export { createPackUpdater, type PackUpdater, type UpdaterOptions, type UpdateResult, type KvNamespaceLike, type R2BucketLike } from "./updater.js";
export { generateSigningKey, signPack, verifySignedPack, readSignedPack, isSignedPack, keyIdOf, publicKeyOf, type SignedPack, type SigningKey } from "./envelope.js";
