/** The largest amount the API represents (`Money` in the OpenAPI document), in minor units. */
export const MONEY_MAX = 100_000_000_00;
