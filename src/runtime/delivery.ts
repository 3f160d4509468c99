// The message delivery port: every email and SMS Cognate sends is kept in the outbox and, when a transport is
// configured, sent by SMTP (email, nodemailer) or posted to an HTTP webhook (SMS).
//
// The outbox is the record of what was sent: tests and operators read it at GET /_cognate/outbox. Each message is
// written there exactly once, with how it went (OutboxMessage.delivery):
//   'sent'         a transport accepted it;
//   'outbox-only'  no transport is configured for its channel (the default: nothing leaves the machine);
//   'failed: …'    the transport refused it or could not be reached; the reason follows.
// The outbox store has no update, so the row is written once the transport has answered (or at once when there is
// none); a transport that throws still gets its message recorded.
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.ts';
import type { Store } from '../storage/store.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Random } from './random.ts';

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
        await deps.store.outbox.add({
          id: deps.random.uuid(),
          poolId: msg.poolId,
          channel: msg.channel,
          to: msg.to,
          subject: msg.subject ?? null,
          body: msg.body,
          sentAt,
          delivery,
        });
      }
      return result;
    },
  };
}
