import {
  ORDER_EMAIL_EVENTS,
  type OrderEmailInput,
  orderEmail,
  RETURN_EMAIL_EVENTS,
  returnEmail,
} from '../../shared/domain/notifications/order-email-templates';

function order(overrides: Partial<OrderEmailInput> = {}): OrderEmailInput {
  return {
    orderId: 'ord_0a1b2c',
    items: [
      { sku: 'MUG-CLASSIC-01', name: 'Classic mug', quantity: 2, unitPrice: 1500, lineTotal: 3000 },
      { sku: 'TEA-GREEN', name: 'Green tea', quantity: 1, unitPrice: 899, lineTotal: 899 },
    ],
    subtotal: 3899,
    discount: 390,
    total: 3509,
    currency: 'EUR',
    shippingAddress: {
      name: 'Alice Example',
      line1: '1 Main St',
      line2: null,
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    shipment: null,
    payment: { status: 'SUCCEEDED', attempts: 1 },
    createdAt: '2025-05-05T10:00:00.000Z',
    ...overrides,
  };
}

const shipped = () =>
  order({
    shipment: {
      carrier: 'USPS',
      trackingNumber: 'EZ1000000001',
      trackingUrl: 'https://track.easypost.com/djE6dHJrXzEyMw',
      status: 'LABEL_CREATED',
      deliveredAt: null,
    },
  });
const options = { shopName: 'Cartwheel' };

/** The words a reader sees in the HTML: no head, no tags, entities decoded. */
function visibleWords(html: string): Set<string> {
  const text = html
    .replace(/<head>[\s\S]*<\/head>/, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return words(text);
}

const words = (text: string) =>
  new Set(
    text
      .split(/\s+/)
      .map((word) => word.replace(/^[-:,()]+|[-:,()]+$/g, ''))
      .filter((word) => word.length > 0),
  );

describe('order e-mails', () => {
  it('confirm a payment with the amount, the lines, the totals and the shipping address', () => {
    const mail = orderEmail('PAID', order(), options);

    expect(mail.subject).toBe('Your Cartwheel order ord_0a1b2c is confirmed');
    expect(mail.text).toContain('Hello Alice Example,');
    expect(mail.text).toContain('We have received your payment of €35.09');
    expect(mail.text).toContain('- Classic mug (MUG-CLASSIC-01): 2 × €15.00 = €30.00');
    expect(mail.text).toContain('Subtotal: €38.99\nDiscount: -€3.90\nTotal: €35.09');
    expect(mail.text).toContain('Shipping to:\n  Alice Example\n  1 Main St\n  10115 Berlin\n  Germany');
    expect(mail.html).toContain('€35.09');
    expect(mail.html).toContain('Classic mug');
    expect(mail.html).toContain('10115 Berlin');
  });

  it("name a variant's option values after the product's name, in both parts", () => {
    const line = {
      sku: 'TEE-M-NVY',
      productSku: 'TEE',
      name: 'Linen shirt',
      options: { Size: 'M', Colour: 'Navy' },
      quantity: 1,
      unitPrice: 4900,
      lineTotal: 4900,
    };
    const mail = orderEmail('PAID', order({ items: [line], subtotal: 4900, discount: 0, total: 4900 }), options);
    expect(mail.text).toContain('- Linen shirt, Size: M, Colour: Navy (TEE-M-NVY): 1 × €49.00 = €49.00');
    expect(mail.html).toContain('Linen shirt, Size: M, Colour: Navy');
  });

  it('show the tax inside the total when prices include it, and on a line of its own when it was added', () => {
    const inside = orderEmail('PAID', order({ subtotal: 3899, discount: 390, total: 3509, tax: 560 }), options);
    expect(inside.text).toContain('Subtotal: €38.99\nDiscount: -€3.90\nTotal: €35.09\nOf which tax: €5.60');
    const added = orderEmail('PAID', order({ subtotal: 3899, discount: 390, tax: 254, total: 3763 }), options);
    expect(added.text).toContain('Subtotal: €38.99\nDiscount: -€3.90\nTax: €2.54\nTotal: €37.63');
    expect(orderEmail('PAID', order(), options).text).not.toContain('tax');
  });

  it('name the shipping method with its amount, free included, and leave shipping out without one', () => {
    const method = { code: 'express', name: 'Express courier', minDeliveryDays: 1, maxDeliveryDays: 2 };
    const paid = orderEmail(
      'PAID',
      order({ subtotal: 3899, discount: 390, shipping: 990, shippingMethod: method, total: 4499 }),
      options,
    );
    expect(paid.text).toContain('Discount: -€3.90\nShipping (Express courier): €9.90\nTotal: €44.99');
    const free = orderEmail('PAID', order({ shipping: 0, shippingMethod: { ...method, name: 'Standard' } }), options);
    expect(free.text).toContain('Shipping (Standard): €0.00');
    expect(orderEmail('PAID', order(), options).text).not.toContain('Shipping (');
  });

  it('leave the discount line out when there was no discount', () => {
    const mail = orderEmail('PAID', order({ discount: 0, total: 3899 }), options);

    expect(mail.text).not.toContain('Discount');
    expect(mail.html).not.toContain('Discount');
  });

  it('tell a declined customer that nothing was charged and they may order again', () => {
    const mail = orderEmail('PAYMENT_FAILED', order({ payment: { status: 'FAILED', attempts: 1 } }), options);

    expect(mail.subject).toBe('Payment for your Cartwheel order ord_0a1b2c did not go through');
    expect(mail.text).toContain('Your payment of €35.09 was declined');
    expect(mail.text).toContain('You have not been charged');
    expect(mail.html).toContain('You have not been charged');
  });

  it('give the carrier, the tracking number and the tracking page of a shipped order', () => {
    const mail = orderEmail('SHIPPED', shipped(), options);

    expect(mail.subject).toBe('Your Cartwheel order ord_0a1b2c has shipped');
    expect(mail.text).toContain(
      'Carrier: USPS\nTracking number: EZ1000000001\nTrack it: https://track.easypost.com/djE6dHJrXzEyMw',
    );
    expect(mail.html).toContain('EZ1000000001');
    expect(mail.html).toContain('https://track.easypost.com/djE6dHJrXzEyMw');
  });

  it('leave the tracking page out for an order shipped before tracking existed', () => {
    const mail = orderEmail(
      'SHIPPED',
      order({ shipment: { carrier: 'sandbox-post', trackingNumber: 'SBX1' } }),
      options,
    );
    expect(mail.text).toContain('Carrier: sandbox-post\nTracking number: SBX1');
    expect(mail.text).not.toContain('Track it');
  });

  it('refuse to write a shipping e-mail for an order that has no shipment yet', () => {
    expect(() => orderEmail('SHIPPED', order(), options)).toThrow(/no shipment/);
  });

  it.each(['REFUND_PENDING', 'REFUNDED'] as const)(
    'say the refund is on its way when a paid order is cancelled (payment %s)',
    (status) => {
      const mail = orderEmail('CANCELLED', order({ payment: { status, attempts: 1 } }), options);

      expect(mail.subject).toBe('Your Cartwheel order ord_0a1b2c has been cancelled');
      expect(mail.text).toContain('A refund of €35.09 is on its way');
      expect(mail.text).not.toContain('not been charged');
      expect(mail.html).toContain('A refund of €35.09 is on its way');
    },
  );

  it('say nothing was charged when an unpaid order is cancelled', () => {
    const mail = orderEmail('CANCELLED', order({ payment: { status: 'PENDING', attempts: 0 } }), options);

    expect(mail.text).toContain('You have not been charged.');
    expect(mail.text).not.toContain('refund');
    expect(mail.html).not.toContain('refund');
  });

  it('explain an expired order: no payment in time, nothing charged', () => {
    const mail = orderEmail('EXPIRED', order({ payment: { status: 'PENDING', attempts: 0 } }), options);

    expect(mail.subject).toBe('Your Cartwheel order ord_0a1b2c has expired');
    expect(mail.text).toContain('We did not receive the payment for this order in time');
    expect(mail.text).toContain('You have not been charged');
  });

  it('name the shop from the options', () => {
    const mail = orderEmail('PAID', order(), { shopName: 'Tea & Mugs' });

    expect(mail.subject).toBe('Your Tea & Mugs order ord_0a1b2c is confirmed');
    expect(mail.text).toContain('Thank you for shopping with Tea & Mugs.');
    expect(mail.html).toContain('Thank you for shopping with Tea &amp; Mugs.');
  });

  it.each(ORDER_EMAIL_EVENTS)('%s: the HTML part says what the text part says, word for word', (event) => {
    const mail = orderEmail(event, event === 'SHIPPED' ? shipped() : order(), options);

    expect(visibleWords(mail.html)).toEqual(words(mail.text));
  });

  it('greet without a name when the order no longer has an address (erased customer)', () => {
    const mail = orderEmail('CANCELLED', order({ shippingAddress: null }), options);

    expect(mail.text.startsWith('Hello,\n')).toBe(true);
    expect(mail.text).not.toContain('Shipping to');
  });
});

describe('order e-mails escape what customers typed', () => {
  const evil = '<script>alert("pwned")</script>';
  const mail = orderEmail(
    'SHIPPED',
    {
      ...shipped(),
      items: [{ sku: 'MUG-1', name: `Mug ${evil}`, quantity: 1, unitPrice: 100, lineTotal: 100 }],
      shippingAddress: {
        name: evil,
        line1: `<img src=x onerror="alert(1)">`,
        city: "O'Brien & Sons",
        postalCode: '1',
        country: 'IE',
      },
    },
    { shopName: '<b>Shop</b>' },
  );

  it('leaves no markup of theirs in the HTML part', () => {
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(mail.html).toContain('O&#39;Brien &amp; Sons');
  });

  it('keeps the plain text part as they typed it', () => {
    expect(mail.text).toContain(`Hello ${evil},`);
    expect(mail.text).toContain("O'Brien & Sons");
  });
});

describe('order e-mails bound what customers typed', () => {
  const pitch =
    'Alice. Your account is suspended: confirm your card at https://evil.example/verify within 24 hours or lose it';
  const long = (prefix: string) => `${prefix} ${'x'.repeat(200)}`;
  const mail = orderEmail(
    'PAID',
    order({
      items: [{ sku: 'MUG-1', name: long('Mug'), quantity: 1, unitPrice: 100, lineTotal: 100 }],
      shippingAddress: {
        name: pitch,
        line1: long('1'),
        line2: null,
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
    }),
    options,
  );

  it('greets with at most 40 characters of the name, the cut marked by an ellipsis', () => {
    const greeting = mail.text.split('\n')[0] ?? '';
    expect(greeting).toBe('Hello Alice. Your account is suspended: confi…,');
    expect(Array.from(greeting.slice('Hello '.length, -1)).length).toBeLessThanOrEqual(40);
  });

  it('never shows a long text of theirs whole, even as the recipient of the address', () => {
    for (const part of [mail.text, mail.html]) expect(part).not.toContain(pitch);
    expect(mail.text).toContain(`  ${Array.from(pitch).slice(0, 69).join('')}…\n`);
  });

  it('cuts address lines and product names to 100 characters', () => {
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toContain('x'.repeat(100));
      expect(part).toContain(`1 ${'x'.repeat(97)}…`);
      expect(part).toContain(`Mug ${'x'.repeat(95)}…`);
    }
  });

  it('shows no control or bidirectional formatting characters kept in orders from before they were refused', () => {
    const stored = orderEmail(
      'SHIPPED',
      {
        ...shipped(),
        shippingAddress: {
          name: 'Eve\u202Egnp.exe',
          line1: '1 Main St\r\nBcc: someone@example.com',
          line2: '\u2067hidden\u2069',
          city: 'Berlin\u001b[2J',
          postalCode: '10115',
          country: 'DE',
        },
      },
      options,
    );
    // Every unsafe character but the line feeds that end the plain text's lines.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    const unsafe = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;
    for (const part of [stored.text, stored.html]) {
      expect(part).not.toMatch(unsafe);
      expect(part).not.toMatch(/\nBcc:/);
    }
    expect(stored.text).toContain('Hello Eve gnp.exe,');
    expect(stored.text).toContain('  1 Main St Bcc: someone@example.com\n');
  });
});

describe('money in order e-mails', () => {
  const totalLine = (text: string) => text.split('\n').find((line) => line.startsWith('Total: '));

  it('formats minor units with the currency’s decimals (EUR 1234 is €12.34)', () => {
    const mail = orderEmail('PAID', order({ subtotal: 1234, discount: 0, total: 1234 }), options);

    expect(totalLine(mail.text)).toBe('Total: €12.34');
  });

  it('formats a currency without decimals as whole units (JPY 1234 is JP¥1,234)', () => {
    const mail = orderEmail('PAID', order({ currency: 'JPY', subtotal: 1234, discount: 0, total: 1234 }), options);

    expect(totalLine(mail.text)).toBe('Total: JP¥1,234');
  });

  it('follows the locale of the options (de-DE: 12,34 €)', () => {
    const mail = orderEmail('PAID', order({ subtotal: 1234, discount: 0, total: 1234 }), {
      ...options,
      locale: 'de-DE',
    });

    expect(totalLine(mail.text)).toMatch(/^Total: 12,34\s€$/u);
  });

  describe('about a return', () => {
    const ret = () => {
      const [line] = order().items;
      return {
        returnId: 'ret_0a1b2c3d',
        items: [{ sku: line?.sku ?? '', quantity: 1, refundAmount: 1250 }],
        refundAmount: 1250,
      };
    };

    it.each(RETURN_EMAIL_EVENTS)(
      '%s: names the return, its lines and the refund, the HTML saying what the text says',
      (event) => {
        const mail = returnEmail(event, order(), ret(), options);
        expect(mail.subject).toContain('ord_0a1b2c');
        expect(mail.text).toContain('ret_0a1b2c3d');
        expect(mail.text).toContain('€12.50');
        expect(visibleWords(mail.html)).toEqual(words(mail.text));
      },
    );

    it('says the money went back once the refund is made', () => {
      expect(returnEmail('RETURN_REFUNDED', order(), ret(), options).text).toContain(
        'We have refunded €12.50 to your original payment method',
      );
      expect(returnEmail('RETURN_REJECTED', order(), ret(), options).text).toContain('could not accept');
    });
  });
});
