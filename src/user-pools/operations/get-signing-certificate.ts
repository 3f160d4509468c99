// GetSigningCertificate: the pool's SAML signing certificate, made on first request and kept as a 'saml' key.
import { defineOperation } from '../../protocol/operation.ts';
import { certificateBody, currentSamlKey, newSamlSigningKey } from '../domain/saml-certificate.ts';
import { getPool } from '../domain/pools.ts';
import type { GetSigningCertificateRequest, GetSigningCertificateResponse } from '../shapes.ts';

export default defineOperation<GetSigningCertificateRequest, GetSigningCertificateResponse>({
  service: 'cognito-idp',
  name: 'GetSigningCertificate',
  async handle(input, deps) {
    const pool = await getPool(deps, input.UserPoolId);
    let key = currentSamlKey(await deps.store.keys.listForPool(pool.id));
    if (!key) {
      // Made lazily: most pools never federate with SAML, and an RSA key costs a few hundred ms. Servers
      // racing here may each add one; re-reading and taking the oldest makes them all answer the same.
      const made = await newSamlSigningKey({ random: deps.random, secrets: deps.secrets, now: deps.clock.now() }, pool.id);
      try {
        await deps.store.keys.add([made]);
      } catch (e) {
        // The pool was deleted while the key was made (its foreign key fails): answer as for a missing pool.
        await getPool(deps, pool.id);
        throw e;
      }
      key = currentSamlKey(await deps.store.keys.listForPool(pool.id))!;
    }
    return { Certificate: certificateBody(key.certificate!) };
  },
});
