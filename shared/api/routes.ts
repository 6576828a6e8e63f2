import type { RouteSpec } from '../http/route-spec';
import { receiveCarrierWebhookRoute } from './carrier-webhook-routes';
import { clearCartRoute, getCartRoute, removeCartItemRoute, setCartItemRoute } from './cart-routes';
import {
  addVariantRoute,
  createProductRoute,
  getProductRoute,
  listProductsRoute,
  updateProductRoute,
  updateVariantRoute,
} from './catalog-routes';
import { deleteProfileRoute, getProfileRoute, updateProfileRoute } from './customer-routes';
import { createDiscountRoute, getDiscountRoute, listDiscountsRoute } from './discount-routes';
import {
  adjustInventoryRoute,
  getInventoryRoute,
  listInventoryAdjustmentsRoute,
  putInventoryRoute,
  setLowStockThresholdRoute,
} from './inventory-routes';
import { runJobRoute } from './job-routes';
import {
  cancelOrderRoute,
  createOrderRoute,
  getOrderRoute,
  listAdminOrdersRoute,
  listOrdersRoute,
  retryFulfilmentRoute,
} from './order-routes';
import { docsAssetRoute, docsRoute, healthRoute, openApiRoute } from './platform-routes';
import { getDailyReportRoute } from './report-routes';
import {
  createReturnRoute,
  listOrderReturnsRoute,
  listReturnsRoute,
  receiveReturnRoute,
  rejectReturnRoute,
} from './return-routes';
import { searchProductsRoute } from './search-routes';
import {
  createShippingMethodRoute,
  getShippingMethodRoute,
  listShippingMethodsRoute,
  listShippingOptionsRoute,
  updateShippingMethodRoute,
} from './shipping-routes';
import { listTaxRatesRoute, setTaxRatesRoute } from './tax-routes';
import {
  createWebhookEndpointRoute,
  deleteWebhookEndpointRoute,
  listWebhookDeliveriesRoute,
  listWebhookEndpointsRoute,
  retryWebhookDeliveryRoute,
} from './webhook-endpoint-routes';
import { receivePaymentWebhookRoute } from './webhook-routes';

/** Every route of the API: the OpenAPI document, the fallback's 405 answers and the route test use it. */
export const routes: RouteSpec[] = [
  healthRoute,
  openApiRoute,
  docsRoute,
  docsAssetRoute,
  listProductsRoute,
  getProductRoute,
  createProductRoute,
  updateProductRoute,
  addVariantRoute,
  updateVariantRoute,
  searchProductsRoute,
  getInventoryRoute,
  putInventoryRoute,
  setLowStockThresholdRoute,
  adjustInventoryRoute,
  listInventoryAdjustmentsRoute,
  getProfileRoute,
  updateProfileRoute,
  deleteProfileRoute,
  getCartRoute,
  setCartItemRoute,
  removeCartItemRoute,
  clearCartRoute,
  listShippingOptionsRoute,
  createDiscountRoute,
  listDiscountsRoute,
  getDiscountRoute,
  setTaxRatesRoute,
  listTaxRatesRoute,
  createShippingMethodRoute,
  listShippingMethodsRoute,
  getShippingMethodRoute,
  updateShippingMethodRoute,
  createOrderRoute,
  listOrdersRoute,
  getOrderRoute,
  cancelOrderRoute,
  createReturnRoute,
  listOrderReturnsRoute,
  listReturnsRoute,
  receiveReturnRoute,
  rejectReturnRoute,
  listAdminOrdersRoute,
  retryFulfilmentRoute,
  receivePaymentWebhookRoute,
  receiveCarrierWebhookRoute,
  createWebhookEndpointRoute,
  listWebhookEndpointsRoute,
  deleteWebhookEndpointRoute,
  listWebhookDeliveriesRoute,
  retryWebhookDeliveryRoute,
  runJobRoute,
  getDailyReportRoute,
];
