import { ConflictError } from '../../errors';

export class StockBelowReservedError extends ConflictError {
  constructor(sku: string, reserved: number, requested: number) {
    super(
      'STOCK_BELOW_RESERVED',
      `On-hand stock of ${sku} cannot go to ${requested}: ${reserved} unit(s) are reserved by open orders.`,
    );
  }
}
