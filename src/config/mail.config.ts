import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { emptyToUndefined } from './env-values';

export class MailVariables {
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  MAIL_FROM = 'MediSync <no-reply@medisync.local>';
}

export interface MailSlice {
  /** Unset: each email is written to the outbox under `dataDir` (and its text logged outside production). */
  smtpUrl?: string;
  mailFrom: string;
}

export function mailSlice(v: MailVariables): MailSlice {
  return { smtpUrl: v.SMTP_URL, mailFrom: v.MAIL_FROM };
}
