// CreateUserPoolClient: a new app client with Cognito's defaults and, if asked, a secret sealed at rest.
import { defineOperation } from '../../protocol/operation.ts';
import type { ClientRecord } from '../../storage/records.ts';
import { LimitExceededException } from '../errors.ts';
import { describeClient, initialSecret, MAX_CLIENTS, newClientId, settingsFrom, validateSettings } from '../domain/clients.ts';
import { getPool } from '../domain/pools.ts';
import { customScopesOf } from '../domain/resource-servers.ts';
import type { CreateUserPoolClientRequest, CreateUserPoolClientResponse } from '../shapes.ts';

export default defineOperation<CreateUserPoolClientRequest, CreateUserPoolClientResponse>({
  service: 'cognito-idp',
  name: 'CreateUserPoolClient',
  async handle(input, deps) {
    const { clock, random, secrets, store } = deps;
    const pool = await getPool(deps, input.UserPoolId);
    const settings = settingsFrom(input);
    const secret = initialSecret(input, random);
    validateSettings(settings, { pool, action: 'creating', hasSecret: secret !== null, resourceScopes: await customScopesOf(deps, pool.id) });
    const now = clock.now();
    const id = newClientId(random);
    const client: ClientRecord = {
      id,
      poolId: pool.id,
      name: input.ClientName,
      secrets: secret === null ? [] : [{ id: `${id}--${now}`, sealed: secrets.encrypt(secret), createdAt: now }],
      createdAt: now,
      updatedAt: now,
      version: 1,
      settings,
    };
    const r = await store.clients.create(client, MAX_CLIENTS);
    // Wording not confirmed against the real service.
    if (r === 'limit') throw new LimitExceededException(`The limit of ${MAX_CLIENTS} app clients per user pool has been reached.`);
    return { UserPoolClient: describeClient(client, secret ?? undefined) };
  },
});
