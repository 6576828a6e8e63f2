import { boundedText } from '../../lib/text-safety';
import { describeOptions } from '../catalog/product';
import type { Order } from '../orders/order';

/**
 * The e-mails a customer gets about an order (docs/contract.md §3: at PAID, PAYMENT_FAILED, SHIPPED,
 * CANCELLED, EXPIRED). Each is described once as a list of blocks and rendered twice, as plain
 * text and as simple HTML, so both parts always say the same thing. Every value in the HTML is
 * escaped: names, addresses and even product names come from people, not from us.
 */
export const ORDER_EMAIL_EVENTS = ['PAID', 'PAYMENT_FAILED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;
export type OrderEmailEvent = (typeof ORDER_EMAIL_EVENTS)[number];

/** What the templates read of an order (the stored `Order` has all of it). */
export type OrderEmailInput = Pick<
  Order,
  | 'orderId'
  | 'items'
  | 'subtotal'
  | 'discount'
  | 'shipping'
  | 'shippingMethod'
  | 'tax'
  | 'total'
  | 'currency'
  | 'shippingAddress'
  | 'shipment'
  | 'payment'
  | 'createdAt'
>;

export interface OrderEmailOptions {
  /** The shop's name as customers know it (config `EMAIL_SHOP_NAME`). */
  shopName: string;
  /** BCP 47 locale of money and dates. The texts are English; `en-IE` formats EUR 1234 as €12.34. */
  locale?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_EMAIL_LOCALE = 'en-IE';

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; facts: Array<[label: string, value: string]> }
  | { kind: 'lines' }
  | { kind: 'address'; heading: string };

interface Content {
  subject: string;
  blocks: Block[];
}

/**
 * The subject, plain text and HTML of the e-mail about one event of an order.
 * @throws Error for `SHIPPED` when the order has no shipment yet (a read that is behind: retry it).
 */
export function orderEmail(event: OrderEmailEvent, order: OrderEmailInput, options: OrderEmailOptions): RenderedEmail {
  const locale = options.locale ?? DEFAULT_EMAIL_LOCALE;
  const money = moneyFormatter(order.currency, locale);
  const content = describe(event, order, options.shopName, money);
  const context: RenderContext = { order, shopName: options.shopName, locale, money, subject: content.subject };
  return {
    subject: content.subject,
    text: renderText(content.blocks, context),
    html: renderHtml(content.blocks, context),
  };
}

function describe(event: OrderEmailEvent, order: OrderEmailInput, shop: string, money: Money): Content {
  const id = order.orderId;
  const total = money(order.total);
  switch (event) {
    case 'PAID':
      return {
        subject: `Your ${shop} order ${id} is confirmed`,
        blocks: [
          paragraph(
            `Thank you for your order. We have received your payment of ${total} and are getting your items ready.`,
          ),
          paragraph('We will e-mail you again as soon as they ship.'),
          { kind: 'lines' },
          { kind: 'address', heading: 'Shipping to' },
        ],
      };
    case 'PAYMENT_FAILED':
      return {
        subject: `Payment for your ${shop} order ${id} did not go through`,
        blocks: [
          paragraph(`Your payment of ${total} was declined, so we could not complete this order.`),
          paragraph(
            'You have not been charged, and the items are no longer reserved for you. ' +
              'You are welcome to place the order again with another payment method.',
          ),
          { kind: 'lines' },
        ],
      };
    case 'SHIPPED': {
      if (!order.shipment) throw new Error(`order ${id} has no shipment yet: its SHIPPED e-mail cannot be written`);
      return {
        subject: `Your ${shop} order ${id} has shipped`,
        blocks: [
          paragraph('Good news: your order is on its way.'),
          {
            kind: 'facts',
            facts: [
              ['Carrier', boundedText(order.shipment.carrier, BOUNDS.shipmentFact)],
              ['Tracking number', boundedText(order.shipment.trackingNumber, BOUNDS.shipmentFact)],
              ...(order.shipment.trackingUrl
                ? ([['Track it', boundedText(order.shipment.trackingUrl, BOUNDS.trackingUrl)]] as Array<
                    [string, string]
                  >)
                : []),
            ],
          },
          { kind: 'lines' },
          { kind: 'address', heading: 'Shipping to' },
        ],
      };
    }
    case 'DELIVERED': {
      const shipment = order.shipment;
      return {
        subject: `Your ${shop} order ${id} has been delivered`,
        blocks: [
          paragraph('Your order has been delivered. We hope you enjoy it.'),
          paragraph('If something is not right, reply to this e-mail and we will sort it out.'),
          ...(shipment
            ? [
                {
                  kind: 'facts' as const,
                  facts: [
                    ['Carrier', boundedText(shipment.carrier, BOUNDS.shipmentFact)],
                    ['Tracking number', boundedText(shipment.trackingNumber, BOUNDS.shipmentFact)],
                  ] as Array<[string, string]>,
                },
              ]
            : []),
          { kind: 'lines' },
          { kind: 'address', heading: 'Delivered to' },
        ],
      };
    }
    case 'CANCELLED': {
      const refund = ['SUCCEEDED', 'REFUND_PENDING', 'REFUNDED'].includes(order.payment.status);
      return {
        subject: `Your ${shop} order ${id} has been cancelled`,
        blocks: [
          paragraph('Your order has been cancelled.'),
          paragraph(
            refund
              ? `A refund of ${total} is on its way to your original payment method. ` +
                  'Depending on your bank, it can take a few business days to show.'
              : 'You have not been charged.',
          ),
          { kind: 'lines' },
        ],
      };
    }
    case 'EXPIRED':
      return {
        subject: `Your ${shop} order ${id} has expired`,
        blocks: [
          paragraph(
            'We did not receive the payment for this order in time, so it has expired and the items are no longer ' +
              'reserved for you.',
          ),
          paragraph('You have not been charged. You are welcome to place the order again.'),
          { kind: 'lines' },
        ],
      };
  }
}

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

/** The e-mails about a return of some of an order's units (contract §5.6). */
export const RETURN_EMAIL_EVENTS = [
  'RETURN_REQUESTED',
  'RETURN_RECEIVED',
  'RETURN_REJECTED',
  'RETURN_REFUNDED',
] as const;
export type ReturnEmailEvent = (typeof RETURN_EMAIL_EVENTS)[number];

/** What the return e-mails read of a return. */
export interface ReturnEmailInput {
  returnId: string;
  items: Array<{ sku: string; quantity: number; refundAmount: number }>;
  refundAmount: number;
}

/** The subject, plain text and HTML of the e-mail about one step of a return. */
export function returnEmail(
  event: ReturnEmailEvent,
  order: OrderEmailInput,
  ret: ReturnEmailInput,
  options: OrderEmailOptions,
): RenderedEmail {
  const locale = options.locale ?? DEFAULT_EMAIL_LOCALE;
  const money = moneyFormatter(order.currency, locale);
  const shop = options.shopName;
  const refund = money(ret.refundAmount);
  const lines: Block = {
    kind: 'facts',
    facts: ret.items.map((item) => {
      const line = order.items.find((candidate) => candidate.sku === item.sku);
      const name = line ? `${productName(line)} (${boundedText(item.sku, BOUNDS.productName)})` : item.sku;
      return [name, `${item.quantity} × returned, ${money(item.refundAmount)}`] as [string, string];
    }),
  };
  const about = `your return ${ret.returnId} for order ${order.orderId}`;
  const content: Content = {
    RETURN_REQUESTED: {
      subject: `We have ${about} (${shop})`,
      blocks: [
        paragraph(`We have your return request ${ret.returnId}. Once the items reach us we will refund ${refund}.`),
        lines,
      ],
    },
    RETURN_RECEIVED: {
      subject: `Your returned items have arrived (${shop}, order ${order.orderId})`,
      blocks: [
        paragraph(`The items of your return ${ret.returnId} have arrived. Your refund of ${refund} is on its way.`),
        lines,
      ],
    },
    RETURN_REJECTED: {
      subject: `We could not accept ${about} (${shop})`,
      blocks: [
        paragraph(`We could not accept your return ${ret.returnId}. Reply to this e-mail if you have questions.`),
        lines,
      ],
    },
    RETURN_REFUNDED: {
      subject: `Your refund of ${refund} for order ${order.orderId} (${shop})`,
      blocks: [
        paragraph(
          `We have refunded ${refund} to your original payment method for your return ${ret.returnId}. ` +
            'Depending on your bank, it can take a few business days to show.',
        ),
        lines,
      ],
    },
  }[event];
  const context: RenderContext = { order, shopName: shop, locale, money, subject: content.subject };
  return {
    subject: content.subject,
    text: renderText(content.blocks, context),
    html: renderHtml(content.blocks, context),
  };
}

type Money = (minorUnits: number) => string;

/** Minor units → the currency's major units, with as many decimals as the currency has (EUR 2, JPY 0). */
function moneyFormatter(currency: string, locale: string): Money {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return (minorUnits) => format.format(minorUnits / 10 ** digits);
}

interface RenderContext {
  order: OrderEmailInput;
  shopName: string;
  locale: string;
  money: Money;
  subject: string;
}

/**
 * The most characters of people's text a mail shows (longer text is cut, with an ellipsis): enough
 * for real names, address lines and product names, too little for a message of one's own.
 */
export const BOUNDS = {
  greetingName: 40,
  addressName: 70,
  addressLine: 100,
  productName: 100,
  shipmentFact: 64,
  trackingUrl: 512,
} as const;

function greeting(order: OrderEmailInput): string {
  const name = boundedText(order.shippingAddress?.name ?? '', BOUNDS.greetingName);
  return name ? `Hello ${name},` : 'Hello,';
}

function placedOn(order: OrderEmailInput, locale: string): string {
  const date = new Date(order.createdAt);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

function lineLabel(line: OrderEmailInput['items'][number], money: Money): [string, string] {
  return [
    `${productName(line)} (${boundedText(line.sku, BOUNDS.productName)})`,
    `${line.quantity} × ${money(line.unitPrice)} = ${money(line.lineTotal)}`,
  ];
}

/** The product's name, and a variant's option values after it: "Linen shirt, Size: M, Colour: Navy". */
function productName(line: OrderEmailInput['items'][number]): string {
  const options = describeOptions(line.options ?? {});
  return boundedText(options ? `${line.name}, ${options}` : line.name, BOUNDS.productName);
}

/**
 * The order's amounts, as its totals add up: the tax on a line of its own when it was added to the
 * prices, after the total ("incl.") when it is inside them.
 */
function totals(order: OrderEmailInput, money: Money): Array<[string, string]> {
  const shipping = order.shipping ?? 0;
  const tax = order.tax ?? 0;
  const added = tax > 0 && order.total === order.subtotal - order.discount + shipping + tax;
  return [
    ['Subtotal', money(order.subtotal)],
    ...(order.discount > 0 ? [['Discount', money(-order.discount)] as [string, string]] : []),
    ...shippingLine(order, money),
    ...(added ? [['Tax', money(tax)] as [string, string]] : []),
    ['Total', money(order.total)],
    ...(tax > 0 && !added ? [['Of which tax', money(tax)] as [string, string]] : []),
  ];
}

/** The shipping, named by its method when it has one (a free one shows too), else only when charged. */
function shippingLine(order: OrderEmailInput, money: Money): Array<[string, string]> {
  const shipping = order.shipping ?? 0;
  if (order.shippingMethod)
    return [[`Shipping (${boundedText(order.shippingMethod.name, BOUNDS.productName)})`, money(shipping)]];
  return shipping > 0 ? [['Shipping', money(shipping)]] : [];
}

/** The address as a label would print it; the country by name where the locale knows it. */
function addressLines(order: OrderEmailInput, locale: string): string[] {
  const address = order.shippingAddress;
  if (!address) return [];
  let country = address.country;
  try {
    country = new Intl.DisplayNames([locale], { type: 'region' }).of(address.country) ?? address.country;
  } catch {
    // Not a region code the runtime knows: print it as given.
  }
  return [
    boundedText(address.name, BOUNDS.addressName),
    ...[address.line1, address.line2 ?? '', `${address.postalCode} ${address.city}`, country].map((line) =>
      boundedText(line, BOUNDS.addressLine),
    ),
  ].filter((line) => line.length > 0);
}

function orderHeading(context: RenderContext): string {
  const placed = placedOn(context.order, context.locale);
  return `Order ${context.order.orderId}${placed ? `, placed on ${placed}` : ''}`;
}

function renderText(blocks: Block[], context: RenderContext): string {
  const { order, money } = context;
  const parts: string[] = [greeting(order)];
  for (const block of blocks) {
    if (block.kind === 'paragraph') parts.push(block.text);
    if (block.kind === 'facts') parts.push(block.facts.map(([label, value]) => `${label}: ${value}`).join('\n'));
    if (block.kind === 'lines') {
      const lines = order.items.map((line) => lineLabel(line, money)).map(([what, amount]) => `- ${what}: ${amount}`);
      const sums = totals(order, money).map(([label, value]) => `${label}: ${value}`);
      parts.push([orderHeading(context), '', ...lines, '', ...sums].join('\n'));
    }
    if (block.kind === 'address') {
      const lines = addressLines(order, context.locale);
      if (lines.length > 0) parts.push([`${block.heading}:`, ...lines.map((line) => `  ${line}`)].join('\n'));
    }
  }
  parts.push(`Thank you for shopping with ${context.shopName}.`);
  return `${parts.join('\n\n')}\n`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

const STYLE = {
  body: 'margin:0;padding:0;background-color:#f4f4f5;',
  card:
    'max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;' +
    'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#18181b;',
  p: 'margin:0 0 16px 0;',
  h2: 'margin:24px 0 8px 0;font-size:16px;',
  table: 'width:100%;border-collapse:collapse;margin:0 0 16px 0;',
  cell: 'padding:6px 0;border-bottom:1px solid #e4e4e7;vertical-align:top;',
  amount:
    'padding:6px 0 6px 12px;border-bottom:1px solid #e4e4e7;text-align:right;white-space:nowrap;vertical-align:top;',
  sku: 'color:#71717a;font-size:13px;',
  total: 'padding:6px 0;font-weight:bold;',
} as const;

function renderHtml(blocks: Block[], context: RenderContext): string {
  const { order, money } = context;
  const e = escapeHtml;
  const parts: string[] = [`<p style="${STYLE.p}">${e(greeting(order))}</p>`];
  for (const block of blocks) {
    if (block.kind === 'paragraph') parts.push(`<p style="${STYLE.p}">${e(block.text)}</p>`);
    if (block.kind === 'facts') {
      const rows = block.facts.map(
        ([label, value]) =>
          `<tr><td style="${STYLE.cell}">${e(label)}</td><td style="${STYLE.amount}"><strong>${e(value)}</strong></td></tr>`,
      );
      parts.push(`<table role="presentation" style="${STYLE.table}">${rows.join('')}</table>`);
    }
    if (block.kind === 'lines') {
      const rows = order.items.map((line) => {
        const [, amount] = lineLabel(line, money);
        const what = `${e(productName(line))} <span style="${STYLE.sku}">(${e(boundedText(line.sku, BOUNDS.productName))})</span>`;
        return `<tr><td style="${STYLE.cell}">${what}</td><td style="${STYLE.amount}">${e(amount)}</td></tr>`;
      });
      const sums = totals(order, money).map(([label, value]) => {
        const style = label === 'Total' ? `${STYLE.amount}font-weight:bold;` : STYLE.amount;
        return `<tr><td style="${label === 'Total' ? STYLE.total : STYLE.cell}">${e(label)}</td><td style="${style}">${e(value)}</td></tr>`;
      });
      parts.push(
        `<h2 style="${STYLE.h2}">${e(orderHeading(context))}</h2>`,
        `<table role="presentation" style="${STYLE.table}">${[...rows, ...sums].join('')}</table>`,
      );
    }
    if (block.kind === 'address') {
      const lines = addressLines(order, context.locale);
      if (lines.length > 0)
        parts.push(
          `<h2 style="${STYLE.h2}">${e(block.heading)}</h2>`,
          `<p style="${STYLE.p}">${lines.map(e).join('<br>')}</p>`,
        );
    }
  }
  parts.push(`<p style="${STYLE.p}">${e(`Thank you for shopping with ${context.shopName}.`)}</p>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(context.subject)}</title></head>`,
    `<body style="${STYLE.body}"><div style="${STYLE.card}">`,
    ...parts,
    '</div></body>',
    '</html>',
    '',
  ].join('\n');
}
