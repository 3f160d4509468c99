// The action, resource and condition keys /_cognate/authorize decides on, per method, path and query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionOf } from './request-actions.ts';

const base = { region: 'us-east-1', accountId: '123456789012', host: 'files.example.test:8080', query: '' };
const s3 = (method: string, path: string, query = '') => actionOf({ ...base, service: 's3', method, path, query });

test('s3 objects, buckets and the bucket list', () => {
  assert.deepEqual(s3('PUT', '/uploads/us-east-1%3Aabc/a%20b.txt'), { action: 's3:PutObject', resource: 'arn:aws:s3:::uploads/us-east-1:abc/a b.txt', keys: {} });
  assert.equal((s3('HEAD', '/b/k') as { action: string }).action, 's3:GetObject');
  assert.equal((s3('GET', '/b/k', 'versionId=1') as { action: string }).action, 's3:GetObjectVersion');
  assert.equal((s3('DELETE', '/b/k') as { action: string }).action, 's3:DeleteObject');
  assert.equal((s3('DELETE', '/b/k', 'uploadId=u') as { action: string }).action, 's3:AbortMultipartUpload');
  assert.equal((s3('POST', '/b/k', 'uploads') as { action: string }).action, 's3:PutObject');
  assert.equal((s3('PUT', '/b/k', 'acl') as { action: string }).action, 's3:PutObjectAcl');
  assert.equal((s3('GET', '/b/k', 'tagging') as { action: string }).action, 's3:GetObjectTagging');
  assert.deepEqual(s3('GET', '/b', 'list-type=2&prefix=me%2F'), { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', keys: { 's3:prefix': 'me/' } });
  assert.deepEqual(s3('GET', '/'), { action: 's3:ListAllMyBuckets', resource: '*', keys: {} });
  assert.ok('refused' in s3('POST', '/b'));
  for (const p of ['//b/k', '//', '//b']) assert.ok('refused' in s3('GET', p), p);
});

test('execute-api: Invoke on the host as the API id', () => {
  assert.deepEqual(actionOf({ ...base, service: 'execute-api', method: 'post', path: '/reports/2026' }), {
    action: 'execute-api:Invoke',
    resource: 'arn:aws:execute-api:us-east-1:123456789012:files.example.test/$default/POST/reports/2026',
    keys: {},
  });
});

test('execute-api: the host is the API id as a proxy routes by it (any case, trailing dot); a host that is no host name is refused', () => {
  const api = (host: string) => actionOf({ ...base, host, service: 'execute-api', method: 'GET', path: '/admin' });
  assert.equal((api('Files.Example.TEST.:8080') as { resource: string }).resource, 'arn:aws:execute-api:us-east-1:123456789012:files.example.test/$default/GET/admin');
  for (const h of ['files.example.test/$default/GET/public', '*', 'a b', '', 'files.example.test:80/x']) assert.ok('refused' in api(h), h);
});

test('paths a proxy or a file system would resolve elsewhere are refused', () => {
  for (const p of ['/b//private/x', '/b/me//x', '/b/me/%2F/x', '/b/me/../you/x', '/b/me/%2e%2E/you', '/b/./x', '/b/x%00', '/b/%E0%A4%A', '/b/a%5C..%5Cb']) assert.ok('refused' in s3('PUT', p), p);
  assert.ok('refused' in actionOf({ ...base, service: 'lambda', method: 'GET', path: '/x' }));
  assert.ok('refused' in actionOf({ ...base, service: 'execute-api', method: 'GET', path: '//admin/users' }));
  assert.equal((s3('GET', '/b/dir/') as { action: string }).action, 's3:GetObject');
});

test('s3 requests for other actions than the ones named (subresources, copies) are refused, not decided as another', () => {
  for (const q of ['policy', 'acl', 'versioning', 'lifecycle', 'cors', 'website', 'uploads', 'versions', 'delete']) {
    for (const m of ['GET', 'PUT', 'DELETE']) assert.ok('refused' in s3(m, '/b', q), `${m} /b?${q}`);
  }
  for (const q of ['retention', 'legal-hold', 'restore', 'select&select-type=2', 'torrent', 'attributes']) {
    for (const m of ['GET', 'PUT', 'POST']) assert.ok('refused' in s3(m, '/b/k', q), `${m} /b/k?${q}`);
  }
  assert.ok('refused' in actionOf({ ...base, service: 's3', method: 'PUT', path: '/b/mine/k', query: '', copySource: '/b/yours/secret' }));
  assert.ok('refused' in s3('GET', '/b/me/..;/you/x'));
  assert.equal((s3('GET', '/b/k', 'x-id=GetObject&response-content-type=text%2Fplain') as { action: string }).action, 's3:GetObject');
  assert.equal((s3('GET', '/b', 'list-type=2&prefix=a&delimiter=%2F&max-keys=10&x-id=ListObjectsV2') as { action: string }).action, 's3:ListBucket');
});

test('an s3 query parameter given twice is refused (the upstream might read the other one)', () => {
  assert.ok('refused' in s3('GET', '/b', 'list-type=2&prefix=me%2F&prefix=you%2F'));
  assert.ok('refused' in s3('GET', '/b/k', 'versionId=1&versionId=2'));
});
