// DescribeUserPoolDomain: the domain's description; an unknown domain answers an empty one, as Cognito does.
import { defineOperation } from '../../protocol/operation.ts';
import { describeDomain } from '../domain/domains.ts';
import type { DescribeUserPoolDomainRequest, DescribeUserPoolDomainResponse } from '../shapes.ts';

export default defineOperation<DescribeUserPoolDomainRequest, DescribeUserPoolDomainResponse>({
  service: 'cognito-idp',
  name: 'DescribeUserPoolDomain',
  async handle(input, deps) {
    const d = await deps.store.domains.get(input.Domain);
    return { DomainDescription: d ? describeDomain(deps, d) : {} };
  },
});
