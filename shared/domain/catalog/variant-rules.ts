import { ConflictError, type FieldError, ValidationError } from '../../errors';
import { TooManyVariantsError } from './catalog-errors';
import { MAX_OPTION_VALUES, MAX_VARIANTS, type OptionValues, type ProductOption } from './product';

/**
 * The rules between a product's options and its variants that a schema cannot state: option names
 * distinct, each variant one value of every option (a declared one) and no other, no two variants
 * alike, every sku once. Case does not make two names or values different ("m" and "M" are one size).
 */

const fold = (text: string) => text.normalize('NFC').toLocaleLowerCase('en');

/** The values keyed by the product's spelling of each option name ("size" → "Size"); other names stay as given. */
export function withOptionNames(options: ProductOption[], values: OptionValues): OptionValues {
  const spelling = new Map(options.map((option) => [fold(option.name), option.name]));
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [spelling.get(fold(name)) ?? name, value]));
}

/** The combination of option values as one comparable string, in the product's option order. */
export const combinationKey = (options: ProductOption[], values: OptionValues) => {
  const named = withOptionNames(options, values);
  return JSON.stringify(options.map((option) => fold(named[option.name] ?? '')));
};

export function optionProblems(options: ProductOption[]): FieldError[] {
  const problems: FieldError[] = [];
  const names = new Set<string>();
  options.forEach((option, index) => {
    if (names.has(fold(option.name)))
      problems.push({ path: `options/${index}/name`, message: 'option names must differ' });
    names.add(fold(option.name));
    const values = new Set<string>();
    option.values.forEach((value, at) => {
      if (values.has(fold(value)))
        problems.push({ path: `options/${index}/values/${at}`, message: `${option.name} lists ${value} twice` });
      values.add(fold(value));
    });
  });
  return problems;
}

/**
 * What is wrong with one variant's option values: the names must be exactly the product's options,
 * each value one the option lists (unless `allowNewValues`, for a variant added later, which adds
 * its value to the option).
 */
export function variantValueProblems(
  options: ProductOption[],
  values: OptionValues,
  path: string,
  { allowNewValues = false } = {},
): FieldError[] {
  const problems: FieldError[] = [];
  const known = new Set(options.map((option) => option.name));
  const given = Object.keys(values);
  const named = withOptionNames(options, values);
  if (Object.keys(named).length < given.length)
    problems.push({ path, message: 'each option once: the same name is given twice (names compare without case)' });
  for (const name of Object.keys(named)) {
    if (!known.has(name))
      problems.push({
        path: `${path}/${name}`,
        message: `the product has no option ${name}; options are ${[...known].join(', ')}`,
      });
  }
  for (const option of options) {
    const value = named[option.name];
    if (value === undefined) problems.push({ path, message: `give one value of ${option.name}` });
    else if (!allowNewValues && !option.values.some((listed) => fold(listed) === fold(value)))
      problems.push({
        path: `${path}/${option.name}`,
        message: `${value} is not one of ${option.name}'s values (${option.values.join(', ')})`,
      });
  }
  return problems;
}

/** The option values as the product spells them ("m" given, "M" listed → "M"). */
export function canonicalValues(options: ProductOption[], values: OptionValues): OptionValues {
  const named = withOptionNames(options, values);
  return Object.fromEntries(
    options.map((option) => {
      const value = named[option.name] as string;
      return [option.name, option.values.find((listed) => fold(listed) === fold(value)) ?? value];
    }),
  );
}

/** The options with a variant's new values added where an option did not list them yet. */
export function withValues(options: ProductOption[], values: OptionValues): ProductOption[] {
  const named = withOptionNames(options, values);
  return options.map((option) => {
    const value = named[option.name] as string;
    return option.values.some((listed) => fold(listed) === fold(value))
      ? option
      : { ...option, values: [...option.values, value] };
  });
}

export interface ProductShape {
  sku: string;
  options: ProductOption[];
  variants: Array<{ sku: string; options: OptionValues }>;
}

/** @throws ValidationError listing every problem of a new product's options and variants. */
export function assertValidProductShape({ sku, options, variants }: ProductShape): void {
  const problems = optionProblems(options);
  if (options.length > 0 && variants.length === 0)
    problems.push({ path: 'variants', message: 'a product with options needs at least one variant' });
  if (options.length === 0 && variants.length > 0)
    problems.push({ path: 'options', message: 'variants need the options they differ in' });
  // Variants are only measured against options that are sound themselves.
  if (problems.length > 0) throw new ValidationError(problems, 'The options and variants do not fit together.');
  const skus = new Set([sku]);
  const combinations = new Set<string>();
  variants.forEach((variant, index) => {
    if (skus.has(variant.sku))
      problems.push({ path: `variants/${index}/sku`, message: `sku ${variant.sku} is used twice` });
    skus.add(variant.sku);
    const valueProblems = variantValueProblems(options, variant.options, `variants/${index}/options`);
    problems.push(...valueProblems);
    if (valueProblems.length === 0) {
      const key = combinationKey(options, variant.options);
      if (combinations.has(key))
        problems.push({ path: `variants/${index}/options`, message: 'another variant has the same option values' });
      combinations.add(key);
    }
  });
  if (problems.length > 0) throw new ValidationError(problems, 'The options and variants do not fit together.');
}

/** @throws ValidationError or ConflictError when a variant cannot join the product's existing ones. */
export function assertVariantFits(
  product: { sku: string; options: ProductOption[]; variantCount: number },
  existing: OptionValues[],
  variant: { sku: string; options: OptionValues },
): void {
  if (product.options.length === 0)
    throw new ConflictError(
      'PRODUCT_HAS_NO_OPTIONS',
      `Product ${product.sku} has no options, so it is sold as one unit and takes no variants.`,
    );
  if (variant.sku === product.sku)
    throw new ValidationError([{ path: 'sku', message: 'a variant needs a sku of its own' }]);
  const problems = variantValueProblems(product.options, variant.options, 'options', { allowNewValues: true });
  if (problems.length > 0) throw new ValidationError(problems, 'The option values do not fit the product.');
  const key = combinationKey(product.options, variant.options);
  if (existing.some((values) => combinationKey(product.options, values) === key))
    throw new ConflictError(
      'VARIANT_EXISTS',
      `Product ${product.sku} already has a variant with these option values.`,
      [{ path: 'options', message: 'another variant has the same option values' }],
    );
  if (product.variantCount >= MAX_VARIANTS) throw new TooManyVariantsError(product.sku, MAX_VARIANTS);
  const crowded = withValues(product.options, variant.options).find(
    (option) => option.values.length > MAX_OPTION_VALUES,
  );
  if (crowded)
    throw new ValidationError([
      {
        path: `options/${crowded.name}`,
        message: `${crowded.name} already lists ${MAX_OPTION_VALUES} values, the most an option may`,
      },
    ]);
}
