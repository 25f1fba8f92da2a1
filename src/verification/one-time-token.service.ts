import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../common/errors';
import { hashToken, newSecretToken, SECRET_TOKEN_PATTERN } from '../common/secret-token';
import { OneTimeToken, TokenPurpose } from './one-time-token.entity';

/** How long each kind of emailed token lives (contract: verification 24 h, reset 1 h, invite 7 days). */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  email_verification: 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
  invitation: 7 * 24 * 60 * 60 * 1000,
};

export interface ConsumedToken {
  id: string;
  userId: string | null;
  payload: Record<string, unknown> | null;
}

/**
 * Single-use emailed tokens for every purpose. The raw token leaves only in the email; the table
 * holds its SHA-256. Consuming is one conditional UPDATE, so of many racing requests exactly one wins.
 */
@Injectable()
export class OneTimeTokenService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Issues a token; earlier unused tokens of the same user and purpose stop working. */
  async issue(
    purpose: TokenPurpose,
    userId: string | null,
    payload: Record<string, unknown> | null = null,
    manager?: EntityManager,
  ): Promise<{ token: string; expiresAt: Date }> {
    if (!manager) return this.db.transaction((m) => this.issue(purpose, userId, payload, m));
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + TOKEN_TTL_MS[purpose]);
    if (userId) await this.retire(userId, purpose, manager);
    await manager.insert(OneTimeToken, { purpose, tokenHash: hashToken(token), userId, payload: payload as never, expiresAt });
    return { token, expiresAt };
  }

  /** Unused tokens of the account for this purpose stop working (e.g. reset links, once the password changed). */
  async retire(userId: string, purpose: TokenPurpose, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
      userId,
      purpose,
    ]);
  }

  /** Earlier unused invitations of a patient stop working (a new one is being sent). */
  async retireInvitations(patientId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE one_time_tokens SET used_at = now() WHERE purpose = 'invitation' AND used_at IS NULL AND payload->>'patientId' = $1`,
      [patientId],
    );
  }

  /** Whether the token exists, is unspent and unexpired (it may still lose a race to `consume`). */
  async isUsable(purpose: TokenPurpose, token: string): Promise<boolean> {
    if (!SECRET_TOKEN_PATTERN.test(token)) return false;
    const rows = await this.db.query<unknown[]>(
      `SELECT 1 FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [hashToken(token), purpose],
    );
    return rows.length > 0;
  }

  /**
   * Spends a token inside the caller's transaction. A malformed, unknown, spent or expired token is
   * 410 TOKEN_USED_OR_EXPIRED (one answer for all, so nothing about other tokens is revealed).
   */
  async consume(purpose: TokenPurpose, token: string, manager: EntityManager): Promise<ConsumedToken> {
    if (!SECRET_TOKEN_PATTERN.test(token)) throw new AppException('TOKEN_USED_OR_EXPIRED');
    const rows = await manager.query<[Array<{ id: string; user_id: string | null; payload: Record<string, unknown> | null }>, number]>(
      `UPDATE one_time_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING id, user_id, payload`,
      [hashToken(token), purpose],
    );
    const row = rows[0]?.[0];
    if (!row) throw new AppException('TOKEN_USED_OR_EXPIRED');
    return { id: row.id, userId: row.user_id, payload: row.payload };
  }
}
