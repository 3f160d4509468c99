// User attributes a client writes for a new user (SignUp): the client's write permissions, the pool's schema and its
// constraints, required attributes, and the email / phone number formats.
import type { ClientRecord, PoolRecord } from '../../storage/records.ts';
import { InvalidParameterException, NotAuthorizedException } from '../errors.ts';
import type { AttributeType, SchemaAttributeType } from '../shapes.ts';
import { poolSettings } from './pools.ts';

/**
 * The forms the sign-in code accepts (domain/users.ts): an email has one @, a phone number is + and digits. An email
 * has none of the address syntax of RFC 5322 (`,` `;` lists, `<…>` routes, `:` groups, `(…)` comments, quotes,
 * `[…]` literals, `\`): nodemailer parses those, and `me@a.test,evil@b.test` or `evil@b.test<me@a.test>` would be
 * delivered to another mailbox than the one stored and marked verified.
 */
export const EMAIL_PATTERN = /^[^@\s\p{Cc},;:<>()[\]\\"]+@[^@\s\p{Cc},;:<>()[\]\\"]+$/u;
export const PHONE_PATTERN = /^\+[0-9]{4,20}$/;

export const isEmail = (v: string) => EMAIL_PATTERN.test(v);
export const isPhoneNumber = (v: string) => PHONE_PATTERN.test(v);

/** Observed Cognito answers (amazon-cognito-identity-js#316, amplify-js#8274; the email one by analogy). */
export const MSG_INVALID_EMAIL = 'Invalid email address format.';
export const MSG_INVALID_PHONE = 'Invalid phone number format.';
/** Observed: NotAuthorizedException on SignUp (aws/aws-sdk-js#1319, amplify-js#5345). */
export const MSG_UNAUTHORIZED_ATTRIBUTE = 'A client attempted to write unauthorized attribute';

/**
 * Attributes no app client writes: the verified flags (Cognito refuses them in WriteAttributes, and sign-up cannot
 * claim a verified address), `sub`, and developer-only attributes (`dev:custom:*`, written only by admin calls).
 */
function neverClientWritable(name: string): boolean {
  return name === 'sub' || name === 'email_verified' || name === 'phone_number_verified' || name.startsWith('dev:');
}

/**
 * NotAuthorizedException "A client attempted to write unauthorized attribute" when the request names an attribute
 * the client may not write: one outside its WriteAttributes (when the client lists them; without the list every
 * schema attribute is writable), or one no client writes. Checked before the schema: a client with WriteAttributes
 * that sends a name the pool lacks gets this answer (amplify-js#5345), one without gets the schema error.
 */
export function checkClientWritable(client: Pick<ClientRecord, 'settings'>, names: readonly string[]): void {
  const write = client.settings.WriteAttributes;
  const allowed = write && write.length ? new Set(write) : null;
  for (const name of names)
    if (neverClientWritable(name) || (allowed && !allowed.has(name))) throw new NotAuthorizedException(MSG_UNAUTHORIZED_ATTRIBUTE);
}

/**
 * Cognito lists every problem, one per line after the prefix, each line ending in a newline:
 * "Attributes did not conform to the schema: custom:a: Attribute does not exist in the schema.\ncustom:b: …\n"
 * (observed, amplify-flutter#509); a missing required one reads "email: The attribute is required" (observed).
 */
export function schemaError(lines: readonly string[]): Error {
  // Each problem once, and at most SCHEMA_ERROR_LINES of them: a request of 20,000 bad attributes must not earn a
  // megabyte of answer.
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, SCHEMA_ERROR_LINES).map((l) => `${l}\n`);
  if (unique.length > SCHEMA_ERROR_LINES) shown.push(`... and ${unique.length - SCHEMA_ERROR_LINES} more\n`);
  return new InvalidParameterException(`Attributes did not conform to the schema: ${shown.join('')}`);
}

/** How many problems a schema error lists. */
export const SCHEMA_ERROR_LINES = 20;

const int = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/** What is wrong with one value under its schema entry, or null. Wordings inferred (no capture found). */
function constraintProblem(a: SchemaAttributeType, value: string): string | null {
  const name = a.Name!;
  if (a.AttributeDataType === 'String') {
    const min = int(a.StringAttributeConstraints?.MinLength);
    const max = int(a.StringAttributeConstraints?.MaxLength);
    const len = [...value].length;
    if (max !== undefined && len > max) return `${name}: String must be no longer than ${max} characters`;
    if (min !== undefined && len < min) return `${name}: String must be no shorter than ${min} characters`;
  } else if (a.AttributeDataType === 'Number') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) return `${name}: Number expected`;
    const n = Number(value);
    const min = int(a.NumberAttributeConstraints?.MinValue);
    const max = int(a.NumberAttributeConstraints?.MaxValue);
    if (max !== undefined && n > max) return `${name}: Number must be no greater than ${max}`;
    if (min !== undefined && n < min) return `${name}: Number must be no less than ${min}`;
  } else if (a.AttributeDataType === 'Boolean') {
    if (value !== 'true' && value !== 'false') return `${name}: Boolean expected`;
  }
  return null;
}

export interface NewUserAttributes {
  /** The request's UserAttributes. */
  given: readonly AttributeType[] | undefined;
  /**
   * Attributes the operation sets itself (the email or phone number of a UsernameAttributes pool's username);
   * they override given values of the same name and count for the required check.
   */
  implied?: Record<string, string>;
}

/**
 * The attributes of a new user from a client's request, checked as Cognito checks SignUp: write permission
 * (NotAuthorizedException), then the schema — unknown names, constraint violations and missing required attributes
 * in one InvalidParameterException — then the email and phone number formats. Custom attributes are kept as given.
 */
export function newUserAttributes(pool: PoolRecord, client: Pick<ClientRecord, 'settings'>, req: NewUserAttributes): Record<string, string> {
  const given = req.given ?? [];
  checkClientWritable(
    client,
    given.map((a) => a.Name),
  );
  const schema = new Map(poolSettings(pool).SchemaAttributes.map((a) => [a.Name!, a]));
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const { Name, Value } of given) {
    const entry = schema.get(Name);
    if (!entry) {
      problems.push(`${Name}: Attribute does not exist in the schema.`);
      continue;
    }
    out[Name] = Value ?? '';
  }
  Object.assign(out, req.implied ?? {});
  for (const [name, value] of Object.entries(out)) {
    const entry = schema.get(name);
    const p = entry ? constraintProblem(entry, value) : null;
    if (p) problems.push(p);
  }
  for (const a of schema.values())
    if (a.Required && a.Name !== 'sub' && !out[a.Name!]) problems.push(`${a.Name}: The attribute is required`);
  if (problems.length) throw schemaError(problems);
  if (out.email !== undefined && !isEmail(out.email)) throw new InvalidParameterException(MSG_INVALID_EMAIL);
  if (out.phone_number !== undefined && !isPhoneNumber(out.phone_number)) throw new InvalidParameterException(MSG_INVALID_PHONE);
  // An empty value sets nothing.
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}
