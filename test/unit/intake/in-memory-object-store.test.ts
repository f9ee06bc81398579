import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  contentVersion,
  InMemoryObjectStore,
  NoSuchKeyError,
  PreconditionFailedError,
} from '../../support/in-memory-object-store';

async function bytesOf(stream: Readable): Promise<{ body: Buffer; chunks: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks), chunks: chunks.length };
}

describe('InMemoryObjectStore (test double of the ObjectStore port)', () => {
  it('versions an object by the MD5 of its content, like a single-part ETag', async () => {
    const store = new InMemoryObjectStore();
    const version = store.put('b', 'k', 'hello');
    expect(version).toBe(createHash('md5').update('hello').digest('hex'));
    expect(contentVersion('hello')).toBe(version);
    expect(await store.head({ bucket: 'b', key: 'k' })).toEqual({ key: 'k', size: 5, version });
    expect(await store.head({ bucket: 'b', key: 'missing' })).toBeUndefined();
  });

  it('streams an object in chunks of the configured size', async () => {
    const store = new InMemoryObjectStore(4);
    store.put('b', 'k', '0123456789');
    const { body, chunks } = await bytesOf(await store.read({ bucket: 'b', key: 'k' }));
    expect(body.toString()).toBe('0123456789');
    expect(chunks).toBe(3);
  });

  it('serves a pinned read while the version matches and fails it with PreconditionFailed once overwritten', async () => {
    const store = new InMemoryObjectStore();
    const version = store.put('b', 'k', 'v1');
    expect(await store.readText({ bucket: 'b', key: 'k', version })).toBe('v1');
    store.put('b', 'k', 'v2');
    await expect(store.read({ bucket: 'b', key: 'k', version })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(store.readText({ bucket: 'b', key: 'k', version })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await store.readText({ bucket: 'b', key: 'k' })).toBe('v2');
  });

  it('keeps the version when the same bytes are written again', async () => {
    const store = new InMemoryObjectStore();
    const version = store.put('b', 'k', 'same');
    await store.write({ bucket: 'b', key: 'k' }, 'same', 'text/plain');
    expect(await store.readText({ bucket: 'b', key: 'k', version })).toBe('same');
  });

  it('fails a read of a missing key with NoSuchKey', async () => {
    const store = new InMemoryObjectStore();
    await expect(store.read({ bucket: 'b', key: 'nope' })).rejects.toBeInstanceOf(NoSuchKeyError);
  });

  it('records every port call in order, but not the back-door put/get', async () => {
    const store = new InMemoryObjectStore();
    const version = store.put('in', 'a.csv', 'x');
    await store.head({ bucket: 'in', key: 'a.csv' });
    await store.read({ bucket: 'in', key: 'a.csv', version });
    await store.write(
      { bucket: 'out', key: 'p.parquet' },
      new Uint8Array([1, 2]),
      'application/vnd.apache.parquet',
    );
    await store.copy({ bucket: 'in', key: 'a.csv', version }, { bucket: 'out', key: 'a.csv' });
    for await (const _ of store.list('out', '')) {
      // drain
    }
    store.get('out', 'a.csv');
    expect(store.calls).toEqual([
      { op: 'head', bucket: 'in', key: 'a.csv' },
      { op: 'read', bucket: 'in', key: 'a.csv', version },
      { op: 'write', bucket: 'out', key: 'p.parquet', contentType: 'application/vnd.apache.parquet' },
      { op: 'copy', bucket: 'in', key: 'a.csv', version, to: { bucket: 'out', key: 'a.csv' } },
      { op: 'list', bucket: 'out', key: '' },
    ]);
  });

  it('makes a streamed object visible only when the writer finishes, and never after an abort', async () => {
    const store = new InMemoryObjectStore();
    const writer = store.openWriter({ bucket: 'b', key: 'q.jsonl' }, 'application/x-ndjson');
    writer.stream.write('{"a":1}\n');
    writer.stream.write('{"a":2}\n');
    expect(store.get('b', 'q.jsonl')).toBeUndefined();
    expect(await writer.finish()).toEqual({ bytes: 16 });
    expect(store.text('b', 'q.jsonl')).toBe('{"a":1}\n{"a":2}\n');
    expect(store.contentTypeOf('b', 'q.jsonl')).toBe('application/x-ndjson');

    const aborted = store.openWriter({ bucket: 'b', key: 'gone.jsonl' }, 'application/x-ndjson');
    aborted.stream.write('x');
    await aborted.abort();
    expect(store.get('b', 'gone.jsonl')).toBeUndefined();
  });

  it('lists the keys under a prefix in order, with size and version', async () => {
    const store = new InMemoryObjectStore();
    store.put('b', 'p/2', 'bb');
    const v1 = store.put('b', 'p/1', 'a');
    store.put('b', 'q/1', 'c');
    store.put('other', 'p/3', 'd');
    const listed = [];
    for await (const info of store.list('b', 'p/')) listed.push(info);
    expect(listed).toEqual([
      { key: 'p/1', size: 1, version: v1 },
      { key: 'p/2', size: 2, version: contentVersion('bb') },
    ]);
  });

  it('tells listeners about each call after its outcome is decided', async () => {
    const store = new InMemoryObjectStore();
    store.put('b', 'k', 'before');
    store.onCall((call) => {
      if (call.op === 'head') store.put('b', 'k', 'after');
    });
    const info = await store.head({ bucket: 'b', key: 'k' });
    expect(info?.version).toBe(contentVersion('before'));
    await expect(store.readText({ bucket: 'b', key: 'k', version: info?.version })).rejects.toThrow(
      /not the pinned/,
    );
  });

  it('fails a pinned copy of an overwritten object', async () => {
    const store = new InMemoryObjectStore();
    const version = store.put('b', 'k', 'v1');
    store.put('b', 'k', 'v2');
    await expect(
      store.copy({ bucket: 'b', key: 'k', version }, { bucket: 'b', key: 'c' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(store.get('b', 'c')).toBeUndefined();
  });
});
