// AddCustomAttributes: appends custom attributes (custom:<name>) to the pool's schema.
import { defineOperation } from '../../protocol/operation.ts';
import { addCustomAttributes } from '../domain/pool-schema.ts';
import { changePool, poolSettings } from '../domain/pools.ts';
import type { AddCustomAttributesRequest, AddCustomAttributesResponse } from '../shapes.ts';

export default defineOperation<AddCustomAttributesRequest, AddCustomAttributesResponse>({
  service: 'cognito-idp',
  name: 'AddCustomAttributes',
  async handle(input, deps) {
    await changePool(deps, input.UserPoolId, (pool) => {
      const settings = poolSettings(pool);
      const SchemaAttributes = addCustomAttributes(settings.SchemaAttributes, input.CustomAttributes);
      return { settings: { ...settings, SchemaAttributes }, tags: pool.tags, updatedAt: deps.clock.now() };
    });
    return {};
  },
});
