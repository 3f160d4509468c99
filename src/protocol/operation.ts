// defineOperation: one AWS operation = its name, service, handler; input is validated against the AWS model first.
import type { Deps } from '../deps.ts';
import type { SigV4Principal } from './sigv4.ts';

export type ServiceName = 'cognito-idp' | 'cognito-identity' | 'cognito-sync';

export interface OperationContext {
  requestId: string;
  /** Present when the request was SigV4-signed and verified (always for 'sigv4' operations). */
  principal?: SigV4Principal;
  sourceIp: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Operation<I = any, O = any> {
  service: ServiceName;
  name: string;
  /**
   * 'sigv4': needs a valid signature by a known key (any key in --dev). 'none': served signed or unsigned
   * (authorized by the ClientId, a token or a session instead). Defaults to what the AWS model says.
   */
  auth?: 'none' | 'sigv4';
  handle(input: I, deps: Deps, ctx: OperationContext): Promise<O>;
}

export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}
