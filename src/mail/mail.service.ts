import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends mail over SMTP_URL; without it, builds the same RFC 822 message and writes it to
 * DATA_DIR/outbox twice: `<name>.eml` (base64 bodies, for a mail client) and `<name>.txt` (the headers
 * that matter and the plain text as written, so `grep token= data/outbox/*` finds working links and
 * nothing quoted-printable). Outside production it also logs each link on a line of its own.
 * `send` rejects when delivery fails: callers decide what that means.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter;
  private readonly outbox?: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.smtpUrl) {
      this.transport = createTransport(
        { url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never,
        { from: config.mailFrom },
      );
    } else {
      this.outbox = resolve(config.dataDir, 'outbox');
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, { from: config.mailFrom });
    }
  }

  async send(message: MailMessage): Promise<void> {
    // base64 bodies in the outbox's .eml: no "token=3D…" for a grep to find (the .txt has the links)
    const info = (await this.transport.sendMail({
      ...message,
      from: this.config.mailFrom,
      ...(this.outbox ? { textEncoding: 'base64' } : {}),
    })) as { message?: Buffer; messageId?: string };
    if (!this.outbox) return;
    await mkdir(this.outbox, { recursive: true });
    const name = join(this.outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`);
    const plain = [`To: ${message.to}`, `Subject: ${message.subject}`, `Message-ID: ${info.messageId ?? ''}`, '', message.text, ''];
    await writeFile(`${name}.txt`, plain.join('\n'), { mode: 0o600 });
    await writeFile(`${name}.eml`, info.message ?? Buffer.alloc(0), { mode: 0o600 });
    if (this.config.env === 'production') {
      this.logger.warn(`SMTP_URL is not set: mail "${message.subject}" written to ${name}.eml and .txt`);
      return;
    }
    this.logger.log(`SMTP_URL is not set: mail to ${message.to} "${message.subject}" written to ${name}.txt (and .eml)`);
    // one line per link, nothing else on it: easy to click or copy from the log
    for (const link of message.text.match(/https?:\/\/\S+/g) ?? []) this.logger.log(link);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
