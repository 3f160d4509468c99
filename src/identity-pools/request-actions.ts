// What a request to another service asks for, in IAM's terms (issue 10, /_cognate/authorize): the action, the
// resource and the request's own condition keys, from its method, path, query and host. Pure; the edge calls it with
// the request a proxy asks about, and authorize.ts evaluates the role's policies against the answer.
//
// s3 (path-style: the first path segment is the bucket), as S3 names its actions:
//   PUT/POST object → s3:PutObject (also the multipart calls: ?uploads, ?uploadId, ?partNumber), GET/HEAD object →
//   s3:GetObject (s3:GetObjectVersion with ?versionId), DELETE object → s3:DeleteObject (s3:AbortMultipartUpload with
//   ?uploadId); ?acl and ?tagging → s3:{Get,Put}Object{Acl,Tagging}, s3:DeleteObjectTagging; on `arn:aws:s3:::B/K`.
//   GET/HEAD bucket → s3:ListBucket (condition key s3:prefix from ?prefix), PUT bucket → s3:CreateBucket, DELETE bucket →
//   s3:DeleteBucket, on `arn:aws:s3:::B`; GET / → s3:ListAllMyBuckets on `*`.
// execute-api: execute-api:Invoke on `arn:aws:execute-api:{region}:{account}:{host}/$default/{METHOD}/{path}` — the
//   API id is the request's host name (without port), the stage API Gateway's default one.
// A path with a `.` or `..` segment (also `..;…`, which Java servers read as `..`), an empty segment (`//`, which
// proxies merge), a NUL or a malformed escape is
// refused: a proxy or a file system would resolve it to another place than the one the policy was asked about. So is
// any query parameter that names another S3 action than the ones above (?policy, ?retention, ?legal-hold, ?restore,
// ?select, …) and a copy (x-amz-copy-source, which also reads the source): deciding them as the plain bucket or
// object action would let a role allowed s3:ListBucket read a bucket's policy, or s3:PutObject set a retention.

export interface AskedRequest {
  /** the scope's service: s3 or execute-api */
  service: string;
  method: string;
  /** raw path, still percent-encoded */
  path: string;
  /** raw query string without '?' */
  query: string;
  /** the Host the request was sent to */
  host: string;
  region: string;
  accountId: string;
  /** the x-amz-copy-source header, if the request has one */
  copySource?: string;
}

export interface AskedAction {
  action: string;
  resource: string;
  keys: Record<string, string>;
}

/** The services a proxy may ask about. */
export const AUTHORIZABLE_SERVICES = ['s3', 'execute-api'];

/** The action and resource, or a reason the request cannot be decided on. */
export function actionOf(r: AskedRequest): AskedAction | { refused: string } {
  const segments = decodedSegments(r.path);
  if (!segments) return { refused: 'The request path has a "." or ".." segment, an empty one, a NUL or a malformed escape.' };
  const method = r.method.toUpperCase();
  if (r.service === 'execute-api') {
    // The API id as a proxy routes by it: a host name in any case, with or without its trailing dot. Anything else
    // (`/`, `*`, `$`) is refused: it would write other path segments into the resource the policy is asked about.
    const host = r.host.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(host)) return { refused: 'The request host is not a host name.' };
    return { action: 'execute-api:Invoke', resource: `arn:aws:execute-api:${r.region}:${r.accountId}:${host}/$default/${method}/${segments.join('/')}`, keys: {} };
  }
  if (r.service !== 's3') return { refused: `Requests for the service '${r.service}' are not decided here.` };
  const q = new URLSearchParams(r.query);
  const [bucket, ...rest] = segments;
  if (r.copySource !== undefined) return { refused: 'Copies (x-amz-copy-source) are not decided here.' };
  // A parameter given twice (?prefix=mine/&prefix=yours/) might be read by the upstream as the one not decided on.
  const twice = [...q.keys()].find((k, i, all) => all.indexOf(k) !== i);
  if (twice !== undefined) return { refused: `The query parameter ${twice} is given more than once.` };
  // Only `/` itself is the bucket list: `//uploads/you/x` is not, though a proxy merging slashes serves that object.
  if (bucket === undefined || bucket === '') return method === 'GET' && rest.length === 0 ? { action: 's3:ListAllMyBuckets', resource: '*', keys: {} } : { refused: 'No bucket in the path.' };
  const key = rest.join('/');
  if (rest.length === 0 || key === '') {
    const other = [...q.keys()].find((k) => !LIST_PARAMS.has(k) && !k.toLowerCase().startsWith('x-amz-'));
    if (other !== undefined) return { refused: `The bucket request ?${other} is not decided here.` };
    const keys: Record<string, string> = {};
    const prefix = q.get('prefix');
    if (prefix !== null) keys['s3:prefix'] = prefix;
    const action = { GET: 's3:ListBucket', HEAD: 's3:ListBucket', PUT: 's3:CreateBucket', DELETE: 's3:DeleteBucket' }[method];
    return action ? { action, resource: `arn:aws:s3:::${bucket}`, keys } : { refused: `No S3 action for ${method} on a bucket.` };
  }
  const other = [...q.keys()].find((k) => !OBJECT_PARAMS.has(k) && !k.startsWith('response-') && !k.toLowerCase().startsWith('x-amz-'));
  if (other !== undefined) return { refused: `The object request ?${other} is not decided here.` };
  const action = objectAction(method, q);
  return action ? { action, resource: `arn:aws:s3:::${bucket}/${key}`, keys: {} } : { refused: `No S3 action for ${method} on an object.` };
}

/** Query parameters of ListObjects (v1, v2) and the SDK's x-id: a bucket request with any other is another action. */
const LIST_PARAMS = new Set(['list-type', 'prefix', 'delimiter', 'marker', 'max-keys', 'continuation-token', 'start-after', 'fetch-owner', 'encoding-type', 'x-id']);
/** Query parameters of the object actions decided here (response-* overrides and presigning's X-Amz-* aside). */
const OBJECT_PARAMS = new Set(['versionId', 'uploadId', 'partNumber', 'uploads', 'acl', 'tagging', 'x-id']);

function objectAction(method: string, q: URLSearchParams): string | undefined {
  const read = method === 'GET' || method === 'HEAD';
  for (const [sub, noun] of [['acl', 'Acl'], ['tagging', 'Tagging']] as const) {
    if (!q.has(sub)) continue;
    if (read) return `s3:GetObject${noun}`;
    if (method === 'PUT') return `s3:PutObject${noun}`;
    return method === 'DELETE' && sub === 'tagging' ? 's3:DeleteObjectTagging' : undefined;
  }
  if (q.has('uploadId')) return method === 'DELETE' ? 's3:AbortMultipartUpload' : read ? 's3:ListMultipartUploadParts' : 's3:PutObject';
  if (read) return q.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject';
  if (method === 'PUT' || method === 'POST') return 's3:PutObject';
  if (method === 'DELETE') return q.has('versionId') ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
  return undefined;
}

/** The path's segments, decoded (leading slash dropped); undefined where decoding or a segment is unsafe. */
function decodedSegments(rawPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\u0000') || decoded.includes('\\')) return undefined;
  const segments = decoded.replace(/^\//, '').split('/');
  // An empty segment but the last (`/b//private/x`): a proxy merging slashes serves `/b/private/x`, which a Deny on
  // `b/private/*` would have matched.
  if (segments.some((s, i) => s === '' && i < segments.length - 1)) return undefined;
  return segments.some((s) => /^\.\.?(;|$)/.test(s)) ? undefined : segments;
}
