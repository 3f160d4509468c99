// CreateUserPoolDomain: a prefix domain, or a custom domain (a full host name) when CustomDomainConfig is given.
import { defineOperation } from '../../protocol/operation.ts';
import type { DomainRecord } from '../../storage/records.ts';
import { InvalidParameterException } from '../errors.ts';
import {
  checkManagedLoginVersion,
  checkNewDomain,
  DEFAULT_MANAGED_LOGIN_VERSION,
  domainResult,
  TAKEN,
  type DomainSettings,
} from '../domain/domains.ts';
import { getPool } from '../domain/pools.ts';
import type { CreateUserPoolDomainRequest, CreateUserPoolDomainResponse } from '../shapes.ts';

export default defineOperation<CreateUserPoolDomainRequest, CreateUserPoolDomainResponse>({
  service: 'cognito-idp',
  name: 'CreateUserPoolDomain',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const custom = input.CustomDomainConfig !== undefined;
    checkManagedLoginVersion(input.ManagedLoginVersion);
    checkNewDomain(input.Domain, custom, await deps.store.domains.listForPool(pool.id));
    const settings: DomainSettings = {
      ManagedLoginVersion: input.ManagedLoginVersion ?? DEFAULT_MANAGED_LOGIN_VERSION,
      ...(custom ? { CustomDomainConfig: input.CustomDomainConfig } : {}),
    };
    const now = deps.clock.now();
    const record: DomainRecord = {
      domain: input.Domain,
      poolId: pool.id,
      custom,
      createdAt: now,
      updatedAt: now,
      settings,
    };
    if ((await deps.store.domains.create(record)) === 'exists') throw new InvalidParameterException(TAKEN);
    return domainResult(deps, record);
  },
});
