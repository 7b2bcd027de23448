// The local-server search against real sockets: the fake OpenAI-compatible server on a random port stands in for
// Ollama or LM Studio, a closed port for a server that is not running, and plain HTTP servers for the things that
// squat on port 8080 (a web app, a server that never answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findLocalServer, localServerCandidates, probeLocalServer, probeLocalServers, USUAL_LOCAL_SERVERS } from '../../../src/core/models/localServers';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { closedPort } from '../../support/closedPort';

async function plainServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test('finds the server that lists models, skipping a closed port, and reports its models', async () => {
  const server = await FakeModelServer.start(() => 'hi', { models: ['qwen2.5-coder:7b', 'llama3'] });
  try {
    const closed = `http://127.0.0.1:${await closedPort()}/v1`;
    const found = await findLocalServer({ candidates: [{ name: 'Ollama', baseUrl: closed }, { name: 'LM Studio', baseUrl: server.openaiBaseUrl }] });
    assert.deepEqual(found, { name: 'LM Studio', baseUrl: server.openaiBaseUrl, models: ['qwen2.5-coder:7b', 'llama3'] });
  } finally {
    await server.close();
  }
});

test('candidates are asked at once and their order is the preference; a server with models beats one with none', async () => {
  const empty = await FakeModelServer.start(() => 'x', { models: [] });
  const first = await FakeModelServer.start(() => 'x', { models: ['a'] });
  const second = await FakeModelServer.start(() => 'x', { models: ['b'] });
  try {
    const candidates = [
      { name: 'empty', baseUrl: empty.openaiBaseUrl },
      { name: 'first', baseUrl: first.openaiBaseUrl + '/' },
      { name: 'second', baseUrl: second.openaiBaseUrl },
    ];
    assert.deepEqual((await probeLocalServers({ candidates })).map((s) => s.name), ['empty', 'first', 'second']);
    const found = await findLocalServer({ candidates });
    assert.equal(found?.name, 'first');
    assert.equal(found?.baseUrl, first.openaiBaseUrl, 'the trailing slash is dropped');
    assert.deepEqual(await findLocalServer({ candidates: [candidates[0]!] }), { name: 'empty', baseUrl: empty.openaiBaseUrl, models: [] },
      'a server with no models is still reported, so the caller can say "pull a model"');
  } finally {
    await Promise.all([empty.close(), first.close(), second.close()]);
  }
});

test('what squats on a usual port is not a model server: HTML, a 404, JSON of another shape, a redirect', async () => {
  const servers = await Promise.all([
    plainServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>my web app</html>')),
    plainServer((_req, res) => res.writeHead(404).end('{"error":"not found"}')),
    plainServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[1,2,3]}')),
    plainServer((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/v1/models' }).end()),
  ]);
  try {
    for (const server of servers) assert.equal(await probeLocalServer({ name: 'x', baseUrl: server.url }), undefined, server.url);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
});

test('a server that accepts the connection but never answers costs the timeout, not more', async () => {
  const silent = await plainServer(() => { /* never answers */ });
  try {
    const started = Date.now();
    assert.equal(await findLocalServer({ candidates: [{ name: 'silent', baseUrl: silent.url }], timeoutMs: 200 }), undefined);
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 1500, `took ${took} ms`);
  } finally {
    await silent.close();
  }
});

test('the caller can cancel the search', async () => {
  const silent = await plainServer(() => { /* never answers */ });
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    assert.equal(await findLocalServer({ candidates: [{ name: 'silent', baseUrl: silent.url }], timeoutMs: 10_000, signal: controller.signal }), undefined);
    assert.ok(Date.now() - started < 1000);
  } finally {
    await silent.close();
  }
});

test('RLM_LOCAL_SERVERS replaces the usual ports; empty turns the search off', () => {
  assert.equal(localServerCandidates({}), USUAL_LOCAL_SERVERS);
  assert.deepEqual(USUAL_LOCAL_SERVERS.map((c) => new URL(c.baseUrl).port), ['11434', '1234', '8080']);
  assert.deepEqual(localServerCandidates({ RLM_LOCAL_SERVERS: '' }), []);
  assert.deepEqual(localServerCandidates({ RLM_LOCAL_SERVERS: ' http://127.0.0.1:9/v1 , nonsense,https://box:8000/v1' }).map((c) => c.baseUrl),
    ['http://127.0.0.1:9/v1', 'https://box:8000/v1']);
});
