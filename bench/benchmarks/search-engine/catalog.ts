/**
 * Synthetic catalogs for the search comparison: product names, descriptions, categories, prices,
 * stock and option values drawn from word lists with a seeded generator, so every run indexes the
 * very same products. Built through the domain's document builder, variants included.
 */
import type { ProductRecord } from '../../../shared/domain/catalog/product';
import { buildSearchDocument, type SearchDocument } from '../../../shared/domain/search/search-document';
import type { IndexQuery } from '../../../shared/domain/search/search-ports';
import { foldText } from '../../../shared/domain/search/search-text';
import { seededRandom } from '../../lib/stats';

const CATEGORIES: Record<string, string[]> = {
  Apparel: ['t-shirt', 'hoodie', 'jacket', 'sweater', 'scarf', 'beanie', 'shirt', 'dress', 'jeans', 'socks'],
  Kitchen: ['mug', 'teapot', 'skillet', 'knife', 'cutting board', 'colander', 'kettle', 'whisk', 'bowl', 'grater'],
  Home: ['lamp', 'cushion', 'throw', 'vase', 'candle', 'mirror', 'rug', 'clock', 'frame', 'basket'],
  Garden: ['planter', 'trowel', 'hose', 'watering can', 'pruner', 'bird feeder', 'lantern', 'bench'],
  Outdoor: ['tent', 'backpack', 'sleeping bag', 'headlamp', 'water bottle', 'camp stove', 'hammock'],
  Toys: ['puzzle', 'building blocks', 'plush bear', 'kite', 'train set', 'doll house', 'yo-yo'],
  Books: ['notebook', 'cookbook', 'atlas', 'journal', 'sketchbook', 'planner'],
  Beauty: ['soap', 'shampoo', 'face cream', 'lip balm', 'body oil', 'hand lotion'],
  Sports: ['yoga mat', 'dumbbell', 'jump rope', 'tennis racket', 'football', 'cycling gloves'],
  Office: ['desk organiser', 'pen', 'stapler', 'desk mat', 'monitor stand', 'bookends'],
  Pets: ['dog bed', 'cat toy', 'leash', 'pet bowl', 'scratching post'],
  Electronics: ['headphones', 'speaker', 'charger', 'power bank', 'keyboard', 'webcam'],
};
const ADJECTIVES = [
  'classic',
  'vintage',
  'modern',
  'rustic',
  'nordic',
  'compact',
  'deluxe',
  'everyday',
  'handmade',
  'organic',
  'lightweight',
  'heavy-duty',
  'waterproof',
  'soft',
  'slim',
  'oversized',
  'minimal',
  'premium',
  'recycled',
  'crème',
];
const MATERIALS = [
  'cotton',
  'linen',
  'wool',
  'oak',
  'walnut',
  'bamboo',
  'ceramic',
  'stoneware',
  'glass',
  'steel',
  'copper',
  'leather',
  'canvas',
  'porcelain',
  'café',
  'velvet',
  'rattan',
  'merino',
];
const COLOURS = ['Blue', 'Red', 'Green', 'Black', 'White', 'Grey', 'Navy', 'Olive', 'Mustard', 'Crème'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const PHRASES = [
  'made to last for years of daily use',
  'designed in our studio and made by a small family workshop',
  'easy to clean and safe in the dishwasher',
  'a thoughtful gift for friends and family',
  'finished by hand with a natural oil',
  'packed without plastic in a recycled box',
  'fits perfectly in small apartments',
  'comes with a two year guarantee',
  'pairs well with the rest of the collection',
  'tested by our team on long weekends outdoors',
];

/** One kind of query of the mix, 200 of them, each a whole page request as the function gets it. */
export interface QuerySet {
  id: 'words' | 'typing' | 'typo' | 'browse';
  label: string;
  queries: IndexQuery[];
}

export interface SyntheticCatalog {
  documents: SearchDocument[];
  /** The query mix: the same queries, in the same order, for every engine. */
  querySets: QuerySet[];
}

const QUERIES_PER_SET = 200;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

export function syntheticCatalog(size: number, seed = 0x5ea4c4): SyntheticCatalog {
  const random = seededRandom(seed + size);
  const categories = Object.keys(CATEGORIES);
  const documents: SearchDocument[] = [];
  const names: Array<{ words: string[]; category: string; typoWords: string[] }> = [];
  const epoch = Date.UTC(2025, 0, 1);
  for (let i = 0; i < size; i++) {
    const category = pick(categories, random);
    const noun = pick(CATEGORIES[category] as string[], random);
    const adjective = pick(ADJECTIVES, random);
    const material = pick(MATERIALS, random);
    const name = `${adjective[0]?.toUpperCase()}${adjective.slice(1)} ${material} ${noun}`;
    const sku = `SYN-${String(i).padStart(6, '0')}`;
    const description =
      `A ${adjective} ${noun} in ${material}, ${pick(PHRASES, random)}. ` +
      `${pick(PHRASES, random)[0]?.toUpperCase()}${pick(PHRASES, random).slice(1)}, and ${pick(PHRASES, random)}.`;
    const createdAt = new Date(epoch + Math.floor(random() * 730 * 86_400_000)).toISOString();
    const product: ProductRecord = {
      sku,
      name,
      description,
      price: 300 + Math.floor(random() * 300) * 100 - 1,
      currency: 'EUR',
      category,
      imageUrl: null,
      active: random() > 0.05,
      options: [],
      variantSkus: [],
      weight: null,
      taxClass: 'standard',
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
    const available = random() < 0.2 ? 0 : Math.floor(random() * 50) + 1;
    const variants =
      random() < 0.3
        ? [pick(COLOURS, random), pick(COLOURS, random)].flatMap((colour, c) =>
            SIZES.slice(0, 1 + Math.floor(random() * SIZES.length)).map((sizeName) => ({
              sku: `${sku}-${c}-${sizeName}`,
              options: { Colour: colour, Size: sizeName },
              price: random() < 0.3 ? product.price + 500 : null,
              active: random() > 0.1,
              available: random() < 0.3 ? 0 : Math.floor(random() * 20),
            })),
          )
        : undefined;
    const stored = variants?.map(({ available: units, ...variant }) => ({
      variant: { ...variant, productSku: sku, weight: null, createdAt, updatedAt: createdAt, version: 1 },
      stock: { sku: variant.sku, onHand: units, reserved: 0, available: units },
    }));
    documents.push(
      buildSearchDocument({ product, stock: { sku, onHand: available, reserved: 0, available }, variants: stored }),
    );
    // The words of five letters or more (the ones a typo is forgiven in), folded as a shopper may type them.
    const typoWords = [adjective, material]
      .map((word) => foldText(word).replaceAll('-', ''))
      .filter((word) => word.length >= 5);
    names.push({ words: [adjective, noun.split(' ')[0] as string], category, typoWords });
  }
  const typoNames = names.filter((name) => name.typoWords.length > 0);
  const querySets: QuerySet[] = [
    {
      id: 'words',
      label: 'two words + filter',
      queries: Array.from({ length: QUERIES_PER_SET }, (_, i): IndexQuery => {
        const { words, category } = pick(names, random);
        const filter = i % 2 === 0 ? { category } : { inStock: true };
        return { q: words.join(' '), ...filter, sort: 'relevance', limit: 20 };
      }),
    },
    {
      id: 'typing',
      label: 'typing (prefix), by price',
      queries: Array.from({ length: QUERIES_PER_SET }, (): IndexQuery => {
        const { words } = pick(names, random);
        return { q: `${words[0]} ${(words[1] as string).slice(0, 3)}`, sort: 'price-asc', limit: 20 };
      }),
    },
    {
      id: 'typo',
      label: 'one typo + price range',
      queries: Array.from({ length: QUERIES_PER_SET }, (): IndexQuery => {
        const { typoWords, words } = pick(typoNames, random);
        const minPrice = 300 + Math.floor(random() * 150) * 100;
        return {
          q: `${withTypo(pick(typoWords, random), random)} ${words[1]}`,
          minPrice,
          maxPrice: minPrice + 10_000,
          sort: 'relevance',
          limit: 20,
        };
      }),
    },
    {
      id: 'browse',
      label: 'browse: category, newest',
      queries: Array.from({ length: QUERIES_PER_SET }, (_, i): IndexQuery => {
        const category = pick(categories, random);
        return { category, ...(i % 2 === 0 ? { inStock: true } : {}), sort: 'newest', limit: 20 };
      }),
    },
  ];
  return { documents, querySets };
}

/**
 * A word with one typo of the four kinds "one typo" covers (a letter replaced, dropped, added, or two
 * neighbours swapped), never in the first letter, as people seldom mistype that one.
 */
function withTypo(word: string, random: () => number): string {
  const letters = [...word];
  const at = 1 + Math.floor(random() * (letters.length - 2));
  const letter = pick([...LETTERS], random);
  switch (Math.floor(random() * 4)) {
    case 0:
      letters[at] = letter === letters[at] ? 'z' : letter;
      break;
    case 1:
      letters.splice(at, 1);
      break;
    case 2:
      letters.splice(at, 0, letter);
      break;
    default:
      [letters[at], letters[at + 1]] = [letters[at + 1] as string, letters[at] as string];
  }
  return letters.join('');
}
