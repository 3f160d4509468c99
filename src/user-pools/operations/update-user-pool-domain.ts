// UpdateUserPoolDomain: changes a domain's managed login version, or a custom domain's certificate.
import { defineOperation } from '../../protocol/operation.ts';
import { InvalidParameterException } from '../errors.ts';
import { checkManagedLoginVersion, domainResult, NOT_OWNED, ownedDomain, type DomainSettings } from '../domain/domains.ts';
import { getPool } from '../domain/pools.ts';
import type { UpdateUserPoolDomainRequest, UpdateUserPoolDomainResponse } from '../shapes.ts';

export default defineOperation<UpdateUserPoolDomainRequest, UpdateUserPoolDomainResponse>({
  service: 'cognito-idp',
  name: 'UpdateUserPoolDomain',
  async handle(input, deps) {
    await getPool(deps, input.UserPoolId);
    const d = ownedDomain(await deps.store.domains.get(input.Domain), input.UserPoolId);
    checkManagedLoginVersion(input.ManagedLoginVersion);
    if (input.CustomDomainConfig && !d.custom)
      // Wording not confirmed against the real service.
      throw new InvalidParameterException('CustomDomainConfig can only be updated for a custom domain.');
    const s = d.settings;
    const settings: DomainSettings = {
      ...s,
      ...(input.ManagedLoginVersion !== undefined ? { ManagedLoginVersion: input.ManagedLoginVersion } : {}),
      ...(input.CustomDomainConfig ? { CustomDomainConfig: input.CustomDomainConfig } : {}),
    };
    const next = { ...d, settings, updatedAt: deps.clock.now() };
    if (!(await deps.store.domains.update(next))) throw new InvalidParameterException(NOT_OWNED);
    return domainResult(deps, next);
  },
});
