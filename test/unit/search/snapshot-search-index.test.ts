import {
  buildEmbeddedSearchIndex,
  loadEmbeddedSearchIndex,
} from '../../../shared/adapters/search/embedded-search-index';
import { createSnapshotSearchIndex } from '../../../shared/adapters/search/snapshot-search-index';
import type { SearchSnapshotStore, StoredSnapshot } from '../../../shared/domain/search/search-ports';
import { fixtureDocuments } from './search-catalog';

/** A store in memory that counts what it is asked, and can be made to fail. */
function fakeStore() {
  let current: StoredSnapshot | null = null;
  const calls = { currentVersion: 0, load: 0 };
  let failing: Error | null = null;
  const store: SearchSnapshotStore = {
    async currentVersion() {
      calls.currentVersion++;
      if (failing) throw failing;
      return current?.version ?? null;
    },
    async load() {
      calls.load++;
      if (failing) throw failing;
      return current;
    },
    async save(snapshot) {
      if (current && current.version >= snapshot.version) return 'stale';
      current = snapshot;
      return 'saved';
    },
  };
  return { store, calls, fail: (error: Error | null) => (failing = error) };
}

const snapshot = async (version: number, ids?: string[]) => {
  const documents = fixtureDocuments().filter((document) => !ids || ids.includes(document.id));
  return { version, bytes: await buildEmbeddedSearchIndex(documents, { version }).snapshot() };
};

function setUp() {
  let now = 1_000_000;
  const fake = fakeStore();
  const failures: unknown[] = [];
  const index = createSnapshotSearchIndex({
    store: fake.store,
    load: loadEmbeddedSearchIndex,
    clock: { now: () => new Date(now) },
    checkEveryMs: 2000,
    onRefreshFailed: (error) => failures.push(error),
  });
  const ids = async (q?: string) =>
    (await index.search({ q, sort: 'price-asc', limit: 100 })).hits.map((hit) => hit.document.id);
  return { ...fake, index, failures, ids, advance: (ms: number) => (now += ms) };
}

describe('the search index of a function instance, from the stored snapshot', () => {
  it('loads ahead of the first search when prepared, which then reads nothing more; a failed preparation is retried by it', async () => {
    const { store, calls, index, ids, fail } = setUp();
    await store.save(await snapshot(1, ['LAMP-DESK']));
    fail(new Error('table unavailable'));
    await expect(index.prepare()).resolves.toBeUndefined();
    expect(calls).toEqual({ currentVersion: 0, load: 1 });
    fail(null);
    await index.prepare();
    expect(calls).toEqual({ currentVersion: 0, load: 2 });
    expect(await ids()).toEqual(['LAMP-DESK']);
    expect(calls).toEqual({ currentVersion: 0, load: 2 });
  });

  it('finds nothing before any snapshot, then loads the first one saved after the interval', async () => {
    const { store, index, ids, advance } = setUp();
    expect(await index.search({ sort: 'newest', limit: 10 })).toEqual({
      hits: [],
      next: null,
      total: 0,
      facets: { category: [] },
    });
    await store.save(await snapshot(1));
    advance(2001);
    expect((await ids()).length).toBe(fixtureDocuments().filter((document) => document.active).length);
    expect(index.version).toBe(1);
  });

  it('asks the store nothing within the interval, one small read after it, and reloads only a newer version', async () => {
    const { store, calls, ids, advance } = setUp();
    await store.save(await snapshot(1, ['LAMP-DESK']));
    expect(await ids()).toEqual(['LAMP-DESK']);
    expect(calls).toEqual({ currentVersion: 0, load: 1 });

    await store.save(await snapshot(2, ['LAMP-DESK', 'VASE-GLASS']));
    advance(1000);
    expect(await ids()).toEqual(['LAMP-DESK']);
    expect(calls).toEqual({ currentVersion: 0, load: 1 });

    advance(1001);
    expect((await ids()).sort()).toEqual(['LAMP-DESK', 'VASE-GLASS']);
    expect(calls).toEqual({ currentVersion: 1, load: 2 });

    advance(2001);
    await ids();
    expect(calls).toEqual({ currentVersion: 2, load: 2 });
  });

  it('shares one load between searches that arrive together at a cold start', async () => {
    const { store, calls, ids } = setUp();
    await store.save(await snapshot(1, ['LAMP-DESK']));
    const answers = await Promise.all([ids(), ids(), ids()]);
    expect(answers).toEqual([['LAMP-DESK'], ['LAMP-DESK'], ['LAMP-DESK']]);
    expect(calls.load).toBe(1);
  });

  it('keeps answering from the held index when a later check fails, and reports it', async () => {
    const { store, ids, advance, fail, failures } = setUp();
    await store.save(await snapshot(1, ['LAMP-DESK']));
    await ids();
    const outage = new Error('table unavailable');
    fail(outage);
    advance(2001);
    expect(await ids()).toEqual(['LAMP-DESK']);
    expect(failures).toEqual([outage]);
  });

  it('fails the search when the first load fails (nothing to answer from)', async () => {
    const { store, ids, fail, failures } = setUp();
    await store.save(await snapshot(1));
    fail(new Error('table unavailable'));
    await expect(ids()).rejects.toThrow('table unavailable');
    expect(failures).toEqual([]);
    fail(null);
    expect((await ids()).length).toBeGreaterThan(0);
  });
});

describe('the search function in its init phase', () => {
  it('starts loading the snapshot only inside Lambda, and survives a configuration it cannot build', async () => {
    const { prepareInLambda } = await import('../../../functions/http/search-products');
    let prepared = 0;
    const search = () => ({ prepare: async () => void prepared++ }) as never;
    expect(prepareInLambda({}, search)).toBe(false);
    expect(prepared).toBe(0);
    expect(prepareInLambda({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }, search)).toBe(true);
    expect(prepared).toBe(1);
    const broken = () => {
      throw new Error('TABLE_NAME is not set');
    };
    expect(prepareInLambda({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' }, broken)).toBe(true);
  });
});
