// The registry: every operation Cognate serves, by product area.
import type { Operation } from './protocol/operation.ts';
import { identityPoolOperations } from './identity-pools/operations/index.ts';
import { userPoolOperations } from './user-pools/operations/index.ts';
import { syncOperations } from './sync/operations/index.ts';

export const allOperations: Operation[] = [...userPoolOperations, ...identityPoolOperations, ...syncOperations];
