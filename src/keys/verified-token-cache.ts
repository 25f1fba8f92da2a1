/**
 * Tokens whose signature and claims were already checked on this instance, by their exact text, so that
 * the next request with the same token skips the signature (an Ed25519 or P-256 verification costs ten
 * times an HMAC). Only a token that passed every check is stored, the expiry is checked again at every
 * hit, and the set is bounded (the oldest entry goes first). Revocation is not cached here: the
 * account's live state is read on every request after this step.
 */
export class VerifiedTokenCache<T extends { exp: number }> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The claims of a token verified earlier, `expired`, or undefined when it was never verified here. */
  get(token: string, nowSeconds: number): T | 'expired' | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp <= nowSeconds) {
      this.entries.delete(token);
      return 'expired';
    }
    return claims;
  }

  set(token: string, claims: T): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
