import MiniSearch from 'minisearch';
import { compactIndex, loadCompactIndex } from '../../../shared/adapters/search/minisearch-snapshot';

type Doc = { id: string; title: string; text: string };
const options = { fields: ['title', 'text'], storeFields: [] as string[] };
const docs: Doc[] = [
  { id: 'a', title: 'Blue linen shirt', text: 'A light shirt of washed linen' },
  { id: 'b', title: 'Linen tea towel', text: 'Kitchen towel, linen and cotton' },
  { id: 'c', title: 'Stoneware mug', text: 'A mug for tea, blue glaze' },
  { id: 'd', title: 'Cotton shirt', text: 'Heavy cotton, regular fit' },
];

function built(): MiniSearch<Doc> {
  const engine = new MiniSearch<Doc>(options);
  engine.addAll(docs);
  return engine;
}

/** The serialised form with its terms in order (the term tree's own order depends on how it was filled). */
const byTerm = (engine: MiniSearch<Doc>) => {
  const json = engine.toJSON();
  return { ...json, index: [...json.index].sort(([a], [b]) => (a < b ? -1 : 1)) };
};

/** Through JSON, as a snapshot travels. */
const roundTrip = (engine: MiniSearch<Doc>) =>
  loadCompactIndex<Doc>(JSON.parse(JSON.stringify(compactIndex(engine))), options);

describe('the compact MiniSearch snapshot', () => {
  it('loads an index that is the built one: the same serialised form and the same answers', () => {
    const original = built();
    const loaded = roundTrip(original);
    expect(byTerm(loaded)).toEqual(byTerm(original));
    for (const query of ['linen', 'blue', 'cot', 'shrt', 'tea towel'])
      expect(loaded.search(query, { prefix: true, fuzzy: 0.2 })).toEqual(
        original.search(query, { prefix: true, fuzzy: 0.2 }),
      );
    expect(loaded.documentCount).toBe(4);
  });

  it('keeps changes made after a load (added, discarded, vacuumed) through the next snapshot', async () => {
    const loaded = roundTrip(built());
    loaded.discard('a');
    loaded.add({ id: 'e', title: 'Linen apron', text: 'Blue stripes' });
    await loaded.vacuum();
    const reference = new MiniSearch<Doc>(options);
    reference.addAll([
      ...docs.filter((doc) => doc.id !== 'a'),
      { id: 'e', title: 'Linen apron', text: 'Blue stripes' },
    ]);
    const again = roundTrip(loaded);
    for (const query of ['linen', 'blue', 'shirt', 'apron'])
      expect(
        again
          .search(query)
          .map((result) => result.id)
          .sort(),
      ).toEqual(
        reference
          .search(query)
          .map((result) => result.id)
          .sort(),
      );
    expect(again.search('washed')).toEqual([]);
  });
});
