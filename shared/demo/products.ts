import { cumulative, Random } from './random';

/** One product of the demo catalogue; money is held in integer cents to keep sums exact. */
export interface Product {
  readonly index: number;
  readonly id: string;
  readonly category: number;
  readonly subcategory: string;
  readonly priceCents: number;
  readonly unitCostCents: number;
}

interface CategorySpec {
  readonly name: string;
  /** Share of all purchased lines across the customer base. */
  readonly popularity: number;
  readonly products: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly subcategories: readonly string[];
}

const CATEGORY_SPECS: readonly CategorySpec[] = [
  {
    name: 'produce',
    popularity: 0.14,
    products: 40,
    minPrice: 0.5,
    maxPrice: 6,
    subcategories: ['fruit', 'vegetables', 'salad', 'herbs'],
  },
  {
    name: 'dairy',
    popularity: 0.12,
    products: 35,
    minPrice: 0.6,
    maxPrice: 9,
    subcategories: ['milk', 'cheese', 'yogurt', 'butter_eggs'],
  },
  {
    name: 'bakery',
    popularity: 0.1,
    products: 28,
    minPrice: 0.8,
    maxPrice: 7,
    subcategories: ['bread', 'pastries', 'cakes'],
  },
  {
    name: 'beverages',
    popularity: 0.1,
    products: 35,
    minPrice: 0.5,
    maxPrice: 12,
    subcategories: ['soft_drinks', 'juice', 'water', 'coffee', 'tea'],
  },
  {
    name: 'snacks',
    popularity: 0.09,
    products: 32,
    minPrice: 0.8,
    maxPrice: 6,
    subcategories: ['chips', 'chocolate', 'sweets', 'nuts'],
  },
  {
    name: 'pantry',
    popularity: 0.09,
    products: 40,
    minPrice: 0.6,
    maxPrice: 8,
    subcategories: ['pasta_rice', 'canned', 'sauces', 'spices', 'breakfast'],
  },
  {
    name: 'meat',
    popularity: 0.07,
    products: 25,
    minPrice: 3,
    maxPrice: 25,
    subcategories: ['beef', 'pork', 'poultry', 'sausages'],
  },
  {
    name: 'frozen',
    popularity: 0.06,
    products: 24,
    minPrice: 1.5,
    maxPrice: 10,
    subcategories: ['ready_meals', 'ice_cream', 'frozen_vegetables', 'pizza'],
  },
  {
    name: 'household',
    popularity: 0.05,
    products: 24,
    minPrice: 1,
    maxPrice: 18,
    subcategories: ['cleaning', 'paper', 'laundry', 'kitchen'],
  },
  {
    name: 'personal_care',
    popularity: 0.04,
    products: 24,
    minPrice: 1.5,
    maxPrice: 20,
    subcategories: ['hair', 'skin', 'oral', 'shaving'],
  },
  {
    name: 'deli',
    popularity: 0.04,
    products: 16,
    minPrice: 2,
    maxPrice: 15,
    subcategories: ['cold_cuts', 'salads', 'olives', 'ready_to_eat'],
  },
  {
    name: 'wine',
    popularity: 0.03,
    products: 24,
    minPrice: 4,
    maxPrice: 60,
    subcategories: ['red', 'white', 'rose', 'sparkling'],
  },
  {
    name: 'pet',
    popularity: 0.025,
    products: 16,
    minPrice: 1,
    maxPrice: 40,
    subcategories: ['dog_food', 'cat_food', 'pet_accessories'],
  },
  {
    name: 'seafood',
    popularity: 0.02,
    products: 10,
    minPrice: 4,
    maxPrice: 30,
    subcategories: ['fish', 'shellfish'],
  },
  {
    name: 'baby',
    popularity: 0.015,
    products: 12,
    minPrice: 2,
    maxPrice: 35,
    subcategories: ['diapers', 'baby_food', 'baby_care'],
  },
  {
    name: 'health',
    popularity: 0.015,
    products: 12,
    minPrice: 3,
    maxPrice: 30,
    subcategories: ['vitamins', 'otc_medicine', 'first_aid'],
  },
  {
    name: 'home',
    popularity: 0.01,
    products: 12,
    minPrice: 5,
    maxPrice: 60,
    subcategories: ['decor', 'textiles', 'garden', 'small_appliances'],
  },
];

/** Category names, in catalogue order; customer affinities are indexed the same way. */
export const CATEGORIES: readonly string[] = CATEGORY_SPECS.map((c) => c.name);

/** Each category's share of purchased lines across all customers (sums to 1). */
export const CATEGORY_POPULARITY: readonly number[] = (() => {
  const total = CATEGORY_SPECS.reduce((sum, c) => sum + c.popularity, 0);
  return CATEGORY_SPECS.map((c) => c.popularity / total);
})();

/** Index of a category name; throws for names that are not in the catalogue. */
export function categoryIndex(name: string): number {
  const index = CATEGORIES.indexOf(name);
  if (index < 0) throw new Error(`unknown category ${name}`);
  return index;
}

/**
 * Subcategories bought together: a basket holding the first often gains one of the second
 * (bread → butter and jam, pasta → sauce). This is the co-purchase structure cross-sell reads.
 */
export const AFFINITY_PAIRS: Readonly<Record<string, readonly string[]>> = {
  bread: ['butter_eggs', 'breakfast'],
  pasta_rice: ['sauces', 'cheese'],
  chips: ['soft_drinks'],
  coffee: ['milk', 'pastries'],
  tea: ['milk'],
  red: ['cheese', 'olives'],
  beef: ['spices', 'red'],
  pizza: ['soft_drinks'],
  dog_food: ['pet_accessories'],
  diapers: ['baby_care'],
  fish: ['white'],
};

/** The product catalogue plus per-category samplers weighted by product popularity. */
export interface Catalogue {
  readonly products: readonly Product[];
  /** Product indices of each subcategory, for affinity pairs. */
  readonly bySubcategory: ReadonlyMap<string, readonly number[]>;
  /** Product indices of each category. */
  readonly byCategory: readonly (readonly number[])[];
  /** Cumulative popularity of `byCategory[c]`, for `Random.fromCumulative`. */
  readonly popularityByCategory: readonly Float64Array[];
}

/** Shelf prices end in 9 (2.49, 12.99), as most grocery prices do. */
function shelfPriceCents(price: number): number {
  return Math.max(49, Math.round(price * 10) * 10 - 1);
}

/** Builds the catalogue; a function of the seed only. */
export function buildCatalogue(seed: number): Catalogue {
  const rng = Random.stream(seed, 'catalogue');
  const products: Product[] = [];
  const byCategory: number[][] = [];
  const popularityByCategory: Float64Array[] = [];
  for (const [category, spec] of CATEGORY_SPECS.entries()) {
    const members: number[] = [];
    const weights: number[] = [];
    for (let k = 0; k < spec.products; k++) {
      // Log-uniform prices: many cheap items, a few expensive ones, as on a real shelf.
      const price = Math.exp(rng.uniform(Math.log(spec.minPrice), Math.log(spec.maxPrice)));
      const priceCents = shelfPriceCents(price);
      const index = products.length;
      products.push({
        index,
        id: `P${String(index + 1).padStart(4, '0')}`,
        category,
        subcategory: spec.subcategories[k % spec.subcategories.length] ?? spec.name,
        priceCents,
        unitCostCents: Math.round(priceCents * rng.uniform(0.55, 0.8)),
      });
      members.push(index);
      // Zipf-like popularity within a category: a few best sellers, a long tail.
      weights.push(1 / (k + 1) ** 0.8);
    }
    rng.shuffle(weights);
    byCategory.push(members);
    popularityByCategory.push(cumulative(weights));
  }
  const bySubcategory = new Map<string, number[]>();
  for (const p of products)
    bySubcategory.set(p.subcategory, [...(bySubcategory.get(p.subcategory) ?? []), p.index]);
  return { products, bySubcategory, byCategory, popularityByCategory };
}
