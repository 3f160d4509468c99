// User pool domain rules: prefix and custom domains, who owns them, and the DomainDescriptionType Cognito answers.
import type { Deps } from '../../deps.ts';
import type { DomainRecord, DomainSettings } from '../../storage/records.ts';
import { InvalidParameterException } from '../errors.ts';
import type { CustomDomainConfigType, DomainDescriptionType } from '../shapes.ts';

/** Hosted UI (classic); what a domain gets when CreateUserPoolDomain names no ManagedLoginVersion. */
export const DEFAULT_MANAGED_LOGIN_VERSION = 1;

export type { DomainSettings };

/** "A user pool can have one prefix domain and one custom domain" — so one of each kind. */
export const ALREADY_CONFIGURED = 'User pool already has a domain configured.'; // observed
/** A domain name is unique across pools (observed wording). */
export const TAKEN = 'Domain already associated with another user pool';
/** Update/Delete of a domain the pool does not own (wording as reported, not confirmed by a capture). */
export const NOT_OWNED = 'No such domain or user pool exists.';

/** Prefix domains may not contain these words (Cognito developer guide); the message is not confirmed. */
const RESERVED = ['aws', 'amazon', 'cognito'];

/** 1 (hosted UI, classic) or 2 (managed login) are the versions Cognito has. */
export function checkManagedLoginVersion(v: number | undefined): void {
  if (v !== undefined && v !== 1 && v !== 2)
    throw new InvalidParameterException(`ManagedLoginVersion must be 1 or 2.`); // wording not confirmed
}

const PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$/;

/** Rules on the name and the pool's existing domains; `existing` are the pool's domains. */
export function checkNewDomain(domain: string, custom: boolean, existing: readonly DomainRecord[]): void {
  if (!custom) {
    // The edge admits host names (for custom domains); a prefix domain must match the model's own pattern.
    if (!PREFIX_PATTERN.test(domain))
      throw new InvalidParameterException(
        `1 validation error detected: Value '${domain}' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PREFIX_PATTERN.source}`,
      );
    for (const word of RESERVED)
      if (domain.includes(word)) throw new InvalidParameterException(`Domain cannot contain reserved word: ${word}`);
  }
  if (existing.some((d) => d.custom === custom)) throw new InvalidParameterException(ALREADY_CONFIGURED);
}

/** The domain if `poolId` owns it; InvalidParameterException otherwise (Cognito does not say which). */
export function ownedDomain(domain: DomainRecord | null, poolId: string): DomainRecord {
  if (!domain || domain.poolId !== poolId) throw new InvalidParameterException(NOT_OWNED);
  return domain;
}

/**
 * The host a custom domain's DNS alias must point at. Cognito answers a CloudFront distribution
 * (`dXXXX.cloudfront.net`); here it is this server's public host.
 */
export function aliasTarget(deps: Pick<Deps, 'config'>): string {
  try {
    return new URL(deps.config.publicUrl).host;
  } catch {
    return deps.config.publicUrl;
  }
}

/** Cognito's `Version` is the last change as yyyyMMddHHmmss UTC (observed "20250817223209"). */
export function domainVersion(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * DomainDescriptionType for an existing domain. Observed for a prefix domain: UserPoolId, AWSAccountId,
 * Domain, S3Bucket, CloudFrontDistribution, Version, Status. S3Bucket (Cognito's own asset bucket) has
 * no meaning here and is left out.
 */
export function describeDomain(deps: Pick<Deps, 'config'>, d: DomainRecord): DomainDescriptionType {
  const s = d.settings;
  return {
    UserPoolId: d.poolId,
    AWSAccountId: deps.config.accountId,
    Domain: d.domain,
    CloudFrontDistribution: aliasTarget(deps),
    Version: domainVersion(d.updatedAt),
    Status: 'ACTIVE',
    ...(s.CustomDomainConfig ? { CustomDomainConfig: s.CustomDomainConfig } : {}),
    ManagedLoginVersion: s.ManagedLoginVersion ?? DEFAULT_MANAGED_LOGIN_VERSION,
  };
}

/** Create/UpdateUserPoolDomain's answer: CloudFrontDomain only for a custom domain ("a blank response" for a prefix one). */
export function domainResult(deps: Pick<Deps, 'config'>, d: DomainRecord): { ManagedLoginVersion: number; CloudFrontDomain?: string } {
  const s = d.settings;
  return {
    ManagedLoginVersion: s.ManagedLoginVersion ?? DEFAULT_MANAGED_LOGIN_VERSION,
    ...(d.custom ? { CloudFrontDomain: aliasTarget(deps) } : {}),
  };
}
