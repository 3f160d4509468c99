// UpdateUserPoolClient: replaces the client's settings (members not given return to their defaults); the secret stays.
import { defineOperation } from '../../protocol/operation.ts';
import { ConcurrentModificationException } from '../errors.ts';
import { clientSecrets, describeClient, getClient, settingsFrom, validateSettings } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import { customScopesOf } from '../domain/resource-servers.ts';
import type { UpdateUserPoolClientRequest, UpdateUserPoolClientResponse } from '../shapes.ts';

/** Attempts before giving up when other writers keep changing the client in between. */
const ATTEMPTS = 3;

export default defineOperation<UpdateUserPoolClientRequest, UpdateUserPoolClientResponse>({
  service: 'cognito-idp',
  name: 'UpdateUserPoolClient',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    const settings = settingsFrom(input);
    const resourceScopes = await customScopesOf(deps, pool.id);
    for (let i = 0; i < ATTEMPTS; i++) {
      const current = await getClient(deps, input.UserPoolId, input.ClientId);
      validateSettings(settings, { pool, action: 'updating', hasSecret: current.secrets.length > 0, resourceScopes });
      const next = {
        ...current,
        // ClientName is optional here; leaving it out keeps the name.
        name: input.ClientName ?? current.name,
        settings,
        updatedAt: deps.clock.now(),
        version: current.version + 1,
      };
      if (await deps.store.clients.update(next)) return { UserPoolClient: describeClient(next, clientSecrets(deps, next)[0]) };
    }
    // Wording not confirmed against the real service.
    throw new ConcurrentModificationException('The app client was modified by another request; try again.');
  },
});
