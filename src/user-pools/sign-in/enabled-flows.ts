// Which AuthFlow an app client admits (ExplicitAuthFlows, legacy and ALLOW_ values), and Cognito's answer when not.
import { effectiveAuthFlows } from '../domain/clients.ts';

export const PUBLIC_FLOWS = new Set(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH']);
export const ADMIN_FLOWS = new Set(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH']);

/**
 * Whether the client's ExplicitAuthFlows admit `flow`. Legacy values (no ALLOW_ entries) only ever turned on
 * extra flows: SRP (unless CUSTOM_AUTH_FLOW_ONLY), custom auth and refresh stayed available.
 */
export function flowEnabled(settings: { ExplicitAuthFlows?: readonly string[] }, flow: string): boolean {
  const flows = effectiveAuthFlows(settings);
  const has = (f: string) => flows.includes(f);
  const legacy = !flows.some((f) => f.startsWith('ALLOW_'));
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      return has('ALLOW_USER_PASSWORD_AUTH') || has('USER_PASSWORD_AUTH');
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return has('ALLOW_ADMIN_USER_PASSWORD_AUTH') || has('ADMIN_NO_SRP_AUTH');
    case 'USER_SRP_AUTH':
      return has('ALLOW_USER_SRP_AUTH') || (legacy && !has('CUSTOM_AUTH_FLOW_ONLY'));
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return has('ALLOW_REFRESH_TOKEN_AUTH') || legacy;
    case 'CUSTOM_AUTH':
      return has('ALLOW_CUSTOM_AUTH') || legacy;
    case 'USER_AUTH':
      return has('ALLOW_USER_AUTH');
    default:
      return false;
  }
}

/** Cognito's answer for a flow the client does not enable (InvalidParameterException). */
export function flowNotEnabled(flow: string): string {
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      return 'USER_PASSWORD_AUTH flow not enabled for this client'; // rep
    case 'USER_SRP_AUTH':
      return 'USER_SRP_AUTH is not enabled for the client.'; // obs (a real pool's log)
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return 'Auth flow not enabled for this client'; // rep
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return 'Refresh Token flow not enabled for this client'; // ours
    default:
      return `${flow} flow not enabled for this client`; // ours
  }
}
