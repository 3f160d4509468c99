// OAuth 2.0 errors (RFC 6749 §5.2, RFC 7009 §2.2.1): another protocol than the AWS errors, never translated into them.
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  /** The `WWW-Authenticate` value of a 401 answered to a client that authenticated with the Authorization header. */
  readonly wwwAuthenticate: string | undefined;
  constructor(error: OAuthErrorCode, opts: { status?: number; wwwAuthenticate?: string } = {}) {
    super(error);
    this.error = error;
    this.status = opts.status ?? 400;
    this.wwwAuthenticate = opts.wwwAuthenticate;
  }
}
