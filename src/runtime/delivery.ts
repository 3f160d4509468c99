// The message delivery port: every email and SMS Cognate sends goes by SMTP (email, nodemailer) or an HTTP webhook
// (SMS) when one is configured, and is kept in the outbox when none delivered it.
//
// The outbox (GET /_cognate/outbox, for tests and operators) keeps a message when no transport delivered it — none is
// configured for its channel ('outbox-only', the default: nothing leaves the machine) or it failed ('failed: …') —
// and in --dev mode every message, the delivered ones too ('sent'); CONTRACT.md. Messages carry codes and temporary
// passwords, so the subject and body are stored sealed by the master key, and each row lasts only until the code in it
// expires (OutgoingMessage.expiresAt): readOutbox leaves out expired rows, housekeeping deletes them.
// The outbox store has no update, so the row is written once the transport has answered (or at once when there is
// none); a transport that throws still gets its message recorded.
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.ts';
import type { Store } from '../storage/store.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Random } from './random.ts';
import type { SecretBox } from './secrets.ts';

export interface OutgoingMessage {
  poolId: string | null;
  channel: 'email' | 'sms';
  /** An email address or an E.164 phone number. */
  to: string;
  subject?: string;
  body: string;
  /**
   * Email only: the From header. When left out, the pool's EmailConfiguration.From is used, else
   * `no-reply@<host of the public URL>`.
   */
  from?: string;
  /** When the code or temporary password in the message stops working: a kept message is gone after. */
  expiresAt: number;
}

/** A kept message as the outbox shows it, unsealed. */
export interface OutboxMessage {
  id: string;
  poolId: string | null;
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  body: string;
  sentAt: number;
  expiresAt: number;
  /** 'sent' | 'outbox-only' | 'failed: …' */
  delivery: string;
}

/**
 * `delivered`: a transport accepted the message. `error`: a transport failed (the message is in the outbox as
 * 'failed: …'). Neither: no transport for the channel, the message is in the outbox only — for Cognate that is a
 * successful send, and operations answer as Cognito does when its mail went out.
 */
export interface DeliveryResult {
  delivered: boolean;
  error?: string;
}

export interface Delivery {
  send(msg: OutgoingMessage): Promise<DeliveryResult>;
}

/** Sends one email; throws when it could not be handed over. */
export interface EmailSender {
  send(mail: { from: string; replyTo?: string; to: string; subject: string; text: string }): Promise<void>;
}

/** Sends one SMS; throws when it could not be handed over. */
export interface SmsSender {
  send(sms: { to: string; body: string; poolId: string | null }): Promise<void>;
}

/** How long a transport may take before the message counts as failed. */
const TRANSPORT_TIMEOUT_MS = 10_000;

/** Email through SMTP (`smtp://host:port`, `smtps://…`; nodemailer's URL options such as `?ignoreTLS=true` apply). */
export function smtpEmailSender(url: string): EmailSender {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: TRANSPORT_TIMEOUT_MS,
    greetingTimeout: TRANSPORT_TIMEOUT_MS,
    socketTimeout: 2 * TRANSPORT_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: mail.from, replyTo: mail.replyTo, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

/** SMS as a JSON POST `{to, body, poolId}` to `url`; any 2xx answer means accepted. */
export function webhookSmsSender(url: string): SmsSender {
  return {
    async send(sms) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: sms.to, body: sms.body, poolId: sms.poolId }),
        signal: AbortSignal.timeout(TRANSPORT_TIMEOUT_MS),
      });
      // Drain the body so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`SMS webhook answered HTTP ${res.status}`);
    },
  };
}

export interface DeliveryDeps {
  config: Config;
  store: Store;
  clock: Clock;
  random: Random;
  logger: Logger;
  secrets: SecretBox;
}

export interface Transports {
  email?: EmailSender;
  sms?: SmsSender;
}

/** The transports the configuration names: SMTP for email when smtpUrl is set, the webhook for SMS when smsWebhookUrl is. */
export function transportsFromConfig(config: Config): Transports {
  return {
    email: config.smtpUrl ? smtpEmailSender(config.smtpUrl) : undefined,
    sms: config.smsWebhookUrl ? webhookSmsSender(config.smsWebhookUrl) : undefined,
  };
}

/** `no-reply@<host of the public URL>` (Cognito's own default sender is no-reply@verificationemail.com). */
export function defaultFromAddress(config: Config): string {
  let host = 'localhost';
  try {
    host = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '') || host;
  } catch {
    /* an unparseable public URL leaves localhost */
  }
  return `no-reply@${host}`;
}

/** The pool's EmailConfiguration From and ReplyToEmailAddress, if set. */
async function poolSender(store: Store, poolId: string | null): Promise<{ from?: string; replyTo?: string }> {
  if (!poolId) return {};
  const pool = await store.pools.get(poolId);
  const ec = pool?.settings.EmailConfiguration;
  return { from: ec?.From || undefined, replyTo: ec?.ReplyToEmailAddress || undefined };
}

/**
 * The delivery port over the store's outbox and the given transports (by default those the configuration names;
 * the configuration is read when a message is sent, so a public URL set after start-up is used).
 */
export function makeDelivery(deps: DeliveryDeps, transports: Transports = transportsFromConfig(deps.config)): Delivery {
  return {
    async send(msg) {
      const sentAt = deps.clock.now();
      let delivery = 'outbox-only';
      let result: DeliveryResult = { delivered: false };
      try {
        if (msg.channel === 'email' && transports.email) {
          const sender = await poolSender(deps.store, msg.poolId);
          await transports.email.send({
            from: msg.from ?? sender.from ?? defaultFromAddress(deps.config),
            replyTo: sender.replyTo,
            to: msg.to,
            subject: msg.subject ?? '',
            text: msg.body,
          });
          delivery = 'sent';
          result = { delivered: true };
        } else if (msg.channel === 'sms' && transports.sms) {
          await transports.sms.send({ to: msg.to, body: msg.body, poolId: msg.poolId });
          delivery = 'sent';
          result = { delivered: true };
        }
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        delivery = `failed: ${reason}`;
        result = { delivered: false, error: reason };
        deps.logger.warn('message delivery failed', { channel: msg.channel, poolId: msg.poolId, error: reason });
      } finally {
        // A delivered message is in the user's mailbox, not here, except in --dev mode (CONTRACT.md).
        if (!result.delivered || deps.config.dev)
          await deps.store.outbox.add({
            id: deps.random.uuid(),
            poolId: msg.poolId,
            channel: msg.channel,
            to: msg.to,
            sealed: deps.secrets.encrypt(JSON.stringify({ subject: msg.subject ?? null, body: msg.body })),
            sentAt,
            expiresAt: msg.expiresAt,
            delivery,
          });
      }
      return result;
    },
  };
}

/**
 * The kept messages to `to` (all when undefined) that have not expired, newest first, unsealed. A message sealed with a
 * master key this server does not have is left out (and logged), not an error for the rest.
 */
export async function readOutbox(
  deps: { store: Store; secrets: SecretBox; clock: Clock; logger: Logger },
  to: string | undefined,
  limit: number,
): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  for (const r of await deps.store.outbox.list(to, limit, deps.clock.now())) {
    let content: { subject: string | null; body: string };
    try {
      content = JSON.parse(deps.secrets.decryptString(r.sealed));
    } catch (e) {
      deps.logger.warn('outbox message cannot be unsealed', { id: r.id, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    out.push({
      id: r.id,
      poolId: r.poolId,
      channel: r.channel,
      to: r.to,
      subject: content.subject,
      body: content.body,
      sentAt: r.sentAt,
      expiresAt: r.expiresAt,
      delivery: r.delivery,
    });
  }
  return out;
}
