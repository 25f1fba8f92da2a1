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
 * DATA_DIR/outbox as an .eml file (and, outside production, logs the text so a newcomer can click
 * the link). `send` rejects when delivery fails: callers decide what that means.
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
    const info = (await this.transport.sendMail({ ...message, from: this.config.mailFrom })) as { message?: Buffer; messageId?: string };
    if (!this.outbox) return;
    await mkdir(this.outbox, { recursive: true });
    const file = join(this.outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`);
    await writeFile(file, info.message ?? Buffer.alloc(0), { mode: 0o600 });
    if (this.config.env === 'production') {
      this.logger.warn(`SMTP_URL is not set: mail "${message.subject}" written to ${file}`);
    } else {
      this.logger.log(`SMTP_URL is not set: mail to ${message.to} written to ${file}\n--- ${message.subject} ---\n${message.text}`);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
