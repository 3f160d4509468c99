// The cognito-idp operations Cognate serves. One line per operation; keep alphabetical within each group.
import type { Operation } from '../../protocol/operation.ts';

// Pools
import createUserPool from './create-user-pool.ts';
import describeUserPool from './describe-user-pool.ts';

// App clients

// Domains

export const userPoolOperations: Operation[] = [
  // Pools
  createUserPool,
  describeUserPool,
  // App clients
  // Domains
];
