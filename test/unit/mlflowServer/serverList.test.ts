import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readServerList } from '../../../src/mlflowServer/serverList.ts';
import { remoteExperimentExternalId, remoteRunExternalId, remoteServerOf, serverSourceKey } from '../../../src/tracking/remoteRows.ts';

test('the servers setting: valid URIs normalized and deduplicated, each bad entry named with why', () => {
  const list = readServerList(['http://mlflow.example.com:5000/', 'http://mlflow.example.com:5000', 42, 'ftp://x', 'https://u:p@host', 'https://team.example.com/mlflow']);
  assert.deepEqual(list.uris, ['http://mlflow.example.com:5000', 'https://team.example.com/mlflow']);
  assert.equal(list.problems.length, 3);
  assert.match(list.problems[0]!, /servers\[2\] is not a string/);
  assert.match(list.problems[1]!, /servers\[3\]: "ftp:\/\/x" is not an http\(s\)/);
  assert.match(list.problems[2]!, /servers\[4\]: Do not put credentials in the tracking URI/);
  assert.deepEqual(readServerList(undefined), { uris: [], problems: [] });
  assert.match(readServerList('http://x').problems[0]!, /not a list of URIs/);
});

test('external ids of cached remote rows name their server; local and imported ones do not', () => {
  const uri = 'https://team.example.com/mlflow';
  assert.equal(remoteServerOf(remoteRunExternalId(uri, 'abc')), uri);
  assert.equal(remoteServerOf(remoteExperimentExternalId(uri, '7')), uri);
  assert.equal(remoteServerOf('mlflow:run:abc'), undefined);
  assert.equal(remoteServerOf('tensorboard:logs:run'), undefined);
  assert.equal(remoteServerOf(null), undefined);
  assert.equal(serverSourceKey(uri), `mlflow-server:${uri}`);
});
