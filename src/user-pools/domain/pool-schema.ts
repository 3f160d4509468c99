// A user pool's attribute schema: Cognito's standard attributes, overrides of them, and custom attributes.
import { InvalidParameterException } from '../errors.ts';
import type { SchemaAttributeType } from '../shapes.ts';

/** Custom attributes per pool (quotas page: "Custom attributes per user pool 50", not adjustable). */
export const MAX_CUSTOM_ATTRIBUTES = 50;
/** Longest a String attribute may be (quotas page: "Characters per attribute 2,048 bytes"). */
const MAX_STRING_LENGTH = 2048;

const str = (min: number, max: number) => ({ StringAttributeConstraints: { MinLength: String(min), MaxLength: String(max) } });
const standardString = (Name: string): SchemaAttributeType => ({ Name, AttributeDataType: 'String', Mutable: true, Required: false, ...str(0, 2048) });

/**
 * The standard attributes, in the order and with the constraints DescribeUserPool shows for a pool created
 * with only PoolName (aws-cli `examples/cognito-idp/describe-user-pool.rst`; boto/boto3#2516; getmoto/moto#5965).
 */
const STANDARD: SchemaAttributeType[] = [
  { Name: 'sub', AttributeDataType: 'String', Mutable: false, Required: true, ...str(1, 2048) },
  standardString('name'),
  standardString('given_name'),
  standardString('family_name'),
  standardString('middle_name'),
  standardString('nickname'),
  standardString('preferred_username'),
  standardString('profile'),
  standardString('picture'),
  standardString('website'),
  standardString('email'),
  { Name: 'email_verified', AttributeDataType: 'Boolean', Mutable: true, Required: false },
  standardString('gender'),
  { Name: 'birthdate', AttributeDataType: 'String', Mutable: true, Required: false, ...str(10, 10) },
  standardString('zoneinfo'),
  standardString('locale'),
  standardString('phone_number'),
  { Name: 'phone_number_verified', AttributeDataType: 'Boolean', Mutable: true, Required: false },
  standardString('address'),
  { Name: 'updated_at', AttributeDataType: 'Number', Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
];
export const STANDARD_SCHEMA: readonly SchemaAttributeType[] = STANDARD.map((a) => entry({ ...a, DeveloperOnlyAttribute: false }));

const STANDARD_BY_NAME = new Map(STANDARD_SCHEMA.map((a) => [a.Name!, a]));

export function isStandardAttribute(name: string): boolean {
  return STANDARD_BY_NAME.has(name);
}

/** The members in the order Cognito lists them (SchemaAttributeType's model order). */
function entry(a: SchemaAttributeType): SchemaAttributeType {
  const out: SchemaAttributeType = {
    Name: a.Name,
    AttributeDataType: a.AttributeDataType,
    DeveloperOnlyAttribute: a.DeveloperOnlyAttribute ?? false,
    Mutable: a.Mutable,
    Required: a.Required,
  };
  if (a.NumberAttributeConstraints) out.NumberAttributeConstraints = { ...a.NumberAttributeConstraints };
  if (a.StringAttributeConstraints) out.StringAttributeConstraints = { ...a.StringAttributeConstraints };
  return out;
}

/** "custom:x" (or "dev:custom:x" for developer-only ones): Cognito prefixes whatever name it is given. */
export function customAttributeName(a: SchemaAttributeType): string {
  return `${a.DeveloperOnlyAttribute ? 'dev:' : ''}custom:${a.Name}`;
}

function limit(v: string | undefined, what: string, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  // Message as getmoto/moto answers it (not confirmed against Cognito).
  if (!/^-?\d+$/.test(v)) throw new InvalidParameterException(`Invalid ${what} for schema attribute ${name}`);
  return Number(v);
}

/** Checks the constraints that apply to the attribute's type and returns them (others are dropped). */
function constraints(a: SchemaAttributeType, name: string): Pick<SchemaAttributeType, 'StringAttributeConstraints' | 'NumberAttributeConstraints'> {
  if (a.AttributeDataType === 'String' && a.StringAttributeConstraints) {
    const c = a.StringAttributeConstraints;
    const min = limit(c.MinLength, 'StringAttributeConstraints', name);
    const max = limit(c.MaxLength, 'StringAttributeConstraints', name);
    if ((min !== undefined && min < 0) || (max !== undefined && max < 0))
      throw new InvalidParameterException(`Invalid StringAttributeConstraints for schema attribute ${name}`);
    // Wordings as getmoto/moto answers them (not confirmed against Cognito).
    if ((min ?? 0) > MAX_STRING_LENGTH || (max ?? 0) > MAX_STRING_LENGTH)
      throw new InvalidParameterException(`user.${name}: String attributes cannot have a length of more than ${MAX_STRING_LENGTH}`);
    if (min !== undefined && max !== undefined && min > max)
      throw new InvalidParameterException(`user.${name}: Max length cannot be less than min length.`);
    return { StringAttributeConstraints: { ...c } };
  }
  if (a.AttributeDataType === 'Number' && a.NumberAttributeConstraints) {
    const c = a.NumberAttributeConstraints;
    const min = limit(c.MinValue, 'NumberAttributeConstraints', name);
    const max = limit(c.MaxValue, 'NumberAttributeConstraints', name);
    if (min !== undefined && max !== undefined && min > max)
      throw new InvalidParameterException(`user.${name}: Max value cannot be less than min value.`);
    return { NumberAttributeConstraints: { ...c } };
  }
  return {};
}

/** A custom attribute as the pool stores it. Custom attributes are never required and mutable unless said. */
export function customAttribute(a: SchemaAttributeType): SchemaAttributeType {
  const name = customAttributeName(a);
  // getmoto/moto's wording for a missing type (not confirmed against Cognito).
  if (!a.AttributeDataType) throw new InvalidParameterException('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  // Observed Cognito answer (COGNITO-API.md §10).
  if (a.Required) throw new InvalidParameterException('Required custom attributes are not supported currently.');
  return entry({
    Name: name,
    AttributeDataType: a.AttributeDataType,
    DeveloperOnlyAttribute: a.DeveloperOnlyAttribute ?? false,
    Mutable: a.Mutable ?? true,
    Required: false,
    ...constraints(a, name),
  });
}

/** A Schema entry naming a standard attribute changes only Required, Mutable and the constraints. */
function standardOverride(base: SchemaAttributeType, a: SchemaAttributeType): SchemaAttributeType {
  const name = base.Name!;
  // getmoto/moto's wording (not confirmed against Cognito).
  if ((a.AttributeDataType && a.AttributeDataType !== base.AttributeDataType) || a.DeveloperOnlyAttribute)
    throw new InvalidParameterException(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${name}`);
  const merged: SchemaAttributeType = {
    ...base,
    Mutable: a.Mutable ?? base.Mutable,
    Required: a.Required ?? base.Required,
  };
  if (base.AttributeDataType === 'String' && a.StringAttributeConstraints)
    merged.StringAttributeConstraints = { ...base.StringAttributeConstraints, ...defined(a.StringAttributeConstraints) };
  if (base.AttributeDataType === 'Number' && a.NumberAttributeConstraints)
    merged.NumberAttributeConstraints = { ...base.NumberAttributeConstraints, ...defined(a.NumberAttributeConstraints) };
  return entry({ ...merged, ...constraints(merged, name) });
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** Cognito's answer when an attribute name is taken (observed: "custom:x: Existing attribute already has name custom:x."). */
export function attributeExists(name: string): Error {
  return new InvalidParameterException(`${name}: Existing attribute already has name ${name}.`);
}

/**
 * The pool's full schema from CreateUserPool's `Schema`: every standard attribute (overridden where the
 * request names it), then the custom attributes in request order.
 */
export function buildSchema(input: readonly SchemaAttributeType[] | undefined): SchemaAttributeType[] {
  const overrides = new Map<string, SchemaAttributeType>();
  const custom: SchemaAttributeType[] = [];
  for (const a of input ?? []) {
    const name = a.Name ?? '';
    const base = STANDARD_BY_NAME.get(name);
    if (base) {
      if (overrides.has(name)) throw attributeExists(name);
      overrides.set(name, standardOverride(base, a));
      continue;
    }
    const c = customAttribute(a);
    if (custom.some((x) => x.Name === c.Name)) throw attributeExists(c.Name!);
    custom.push(c);
  }
  return [...STANDARD_SCHEMA.map((s) => overrides.get(s.Name!) ?? entry(s)), ...custom];
}

export function customAttributeCount(schema: readonly SchemaAttributeType[]): number {
  return schema.filter((a) => !isStandardAttribute(a.Name ?? '')).length;
}

/**
 * AddCustomAttributes: the schema with `added` appended. Names already in the pool are refused with
 * Cognito's observed message; more than MAX_CUSTOM_ATTRIBUTES in all is refused.
 */
export function addCustomAttributes(schema: readonly SchemaAttributeType[], added: readonly SchemaAttributeType[]): SchemaAttributeType[] {
  const out = schema.map(entry);
  for (const a of added) {
    const c = customAttribute(a);
    if (out.some((x) => x.Name === c.Name)) throw attributeExists(c.Name!);
    out.push(c);
  }
  const n = customAttributeCount(out);
  // AddCustomAttributes declares no LimitExceededException in the model, so the quota is an
  // InvalidParameterException; the wording is ours (not confirmed against Cognito).
  if (n > MAX_CUSTOM_ATTRIBUTES)
    throw new InvalidParameterException(
      `A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes; this request would make ${n}.`,
    );
  return out;
}
