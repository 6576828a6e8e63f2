import { type SandboxCarrier, startSandboxCarrier } from '../../scripts/local/sandbox-carrier';
import { LOCAL_CARRIER_API_KEY } from '../../shared/production-safety';
import { carrierStats, dispatchParcel, injectCarrierFaults } from '../support/sandbox-carrier';

type Json = Record<string, any>;

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A valid create body for the reference, with `change` merged into its `shipment`. */
const shipmentBody = (reference: string, change: Json = {}) => ({
  shipment: {
    reference,
    to_address: { name: 'Alice', street1: '1 Main St', city: 'Berlin', zip: '10115', country: 'DE' },
    from_address: { id: 'adr_shop' },
    parcel: { weight: 16 },
    ...change,
  },
});

describe('the sandbox carrier server', () => {
  let sandbox: SandboxCarrier;
  let references = 0;
  /** A reference no other test uses. */
  const newReference = () => `ord_carrier_${++references}`;

  beforeAll(async () => {
    sandbox = await startSandboxCarrier();
    process.env.CARRIER_API_URL = sandbox.url;
    process.env.CARRIER_API_KEY = sandbox.apiKey;
  });
  afterAll(() => sandbox.stop());

  async function call(method: string, path: string, body?: unknown, init: RequestInit = {}) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      ...init,
      headers: {
        Authorization: basic(sandbox.apiKey),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
    };
  }

  const create = (reference: string, change: Json = {}) =>
    call('POST', '/v2/shipments', shipmentBody(reference, change));

  async function created(reference: string, change: Json = {}): Promise<Json> {
    const answer = await create(reference, change);
    expect(answer.status).toBe(201);
    return answer.body;
  }

  const cheapest = (shipment: Json): Json =>
    [...shipment.rates].sort((a: Json, b: Json) => Number(a.rate) - Number(b.rate))[0];

  async function bought(reference: string): Promise<Json> {
    const shipment = await created(reference);
    const answer = await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: cheapest(shipment).id } });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  const errorOf = (code: string, fields?: string[]) => ({
    error: {
      code,
      message: expect.any(String),
      errors: fields ? expect.arrayContaining(fields.map((field) => expect.objectContaining({ field }))) : [],
    },
  });

  describe('authentication', () => {
    it('listens on loopback with the local key by default', () => {
      expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.apiKey).toBe(LOCAL_CARRIER_API_KEY);
    });

    it.each([
      ['no credentials', undefined],
      ['another key', basic('EZTK_other')],
      ['a password', basic(LOCAL_CARRIER_API_KEY, 'secret')],
      ['a bearer token', `Bearer ${LOCAL_CARRIER_API_KEY}`],
    ])('answers 401 APIKEY.INACTIVE to %s, on the API and on the hooks', async (_, authorization) => {
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
      for (const [method, path] of [
        ['POST', '/v2/shipments'],
        ['GET', '/_sandbox/references/ord_1'],
        ['GET', '/v2/nothing'],
      ] as const) {
        const response = await fetch(`${sandbox.url}${path}`, { method, headers });

        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(await response.json()).toEqual(errorOf('APIKEY.INACTIVE'));
      }
    });
  });

  describe('POST /v2/shipments', () => {
    it('creates a test-mode shipment with two USPS rates, Priority first although it costs more', async () => {
      const reference = newReference();

      const answer = await create(reference, { to_address: { ...shipmentBody('').shipment.to_address, state: 'BE' } });

      expect(answer.status).toBe(201);
      expect(answer.type).toBe('application/json');
      const shipment = answer.body;
      expect(shipment).toEqual({
        id: expect.stringMatching(/^shp_[0-9a-f]{24}$/),
        object: 'Shipment',
        mode: 'test',
        reference,
        status: 'unknown',
        to_address: {
          id: expect.stringMatching(/^adr_[0-9a-f]{24}$/),
          object: 'Address',
          name: 'Alice',
          street1: '1 Main St',
          street2: null,
          city: 'Berlin',
          state: 'BE',
          zip: '10115',
          country: 'DE',
        },
        from_address: { id: 'adr_shop' },
        parcel: { id: expect.stringMatching(/^prcl_[0-9a-f]{24}$/), object: 'Parcel', weight: 16 },
        rates: [
          expect.objectContaining({ service: 'Priority', delivery_days: 2 }),
          expect.objectContaining({ service: 'GroundAdvantage', delivery_days: 5 }),
        ],
        messages: [],
        selected_rate: null,
        tracking_code: null,
        postage_label: null,
        tracker: null,
        refund_status: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      for (const rate of shipment.rates)
        expect(rate).toEqual({
          id: expect.stringMatching(/^rate_[0-9a-f]{24}$/),
          object: 'Rate',
          shipment_id: shipment.id,
          carrier: 'USPS',
          service: expect.any(String),
          rate: expect.stringMatching(/^\d+\.\d{2}$/),
          currency: 'USD',
          delivery_days: expect.any(Number),
        });
      expect(Number(shipment.rates[0].rate)).toBeGreaterThan(Number(shipment.rates[1].rate));
      expect(new Date(shipment.created_at).toISOString()).toBe(shipment.created_at);
      expect(await carrierStats(reference)).toEqual({
        reference,
        shipments: 1,
        labels: 0,
        refunds: 0,
        requests: 1,
        shipmentIds: [shipment.id],
      });
    });

    it('quotes a heavier parcel higher', async () => {
      const light = await created(newReference(), { parcel: { weight: 4 } });
      const heavy = await created(newReference(), { parcel: { weight: 70.5 } });

      for (const service of ['Priority', 'GroundAdvantage']) {
        const price = (shipment: Json) => Number(shipment.rates.find((rate: Json) => rate.service === service).rate);
        expect(price(heavy)).toBeGreaterThan(price(light));
      }
    });

    const address = shipmentBody('').shipment.to_address;
    it.each([
      ['a blank name', { to_address: { ...address, name: '  ' } }, 'to_address.name'],
      ['no street1', { to_address: { ...address, street1: undefined } }, 'to_address.street1'],
      ['no city', { to_address: { ...address, city: '' } }, 'to_address.city'],
      ['no zip', { to_address: { ...address, zip: undefined } }, 'to_address.zip'],
      ['no country', { to_address: { ...address, country: undefined } }, 'to_address.country'],
      ['a lower-case country', { to_address: { ...address, country: 'de' } }, 'to_address.country'],
      ['a three-letter country', { to_address: { ...address, country: 'DEU' } }, 'to_address.country'],
      ['a numeric name', { to_address: { ...address, name: 42 } }, 'to_address.name'],
      ['a weight of 0', { parcel: { weight: 0 } }, 'parcel.weight'],
      ['a negative weight', { parcel: { weight: -1 } }, 'parcel.weight'],
      ['a weight as text', { parcel: { weight: '16' } }, 'parcel.weight'],
      ['no parcel', { parcel: undefined }, 'parcel.weight'],
      ['a sender that is no address id', { from_address: { id: 'shop' } }, 'from_address.id'],
      ['no sender', { from_address: undefined }, 'from_address.id'],
    ])('refuses a shipment with %s (422, nothing stored, the request counted)', async (_, change, field) => {
      const reference = newReference();

      const answer = await create(reference, change);

      expect(answer.status).toBe(422);
      expect(answer.body).toEqual(errorOf('SHIPMENT.INVALID_PARAMS', [field]));
      expect(answer.body.error.errors).toHaveLength(1);
      expect(await carrierStats(reference)).toMatchObject({ shipments: 0, requests: 1, shipmentIds: [] });
    });

    it('names every missing field at once, the reference included', async () => {
      const answer = await call('POST', '/v2/shipments', { shipment: {} });

      expect(answer.status).toBe(422);
      const fields = answer.body.error.errors.map((error: Json) => error.field).sort();
      expect(fields).toEqual(
        [
          'from_address.id',
          'parcel.weight',
          'reference',
          'to_address.city',
          'to_address.country',
          'to_address.name',
          'to_address.street1',
          'to_address.zip',
        ].sort(),
      );
      for (const error of answer.body.error.errors) expect(error.message).toEqual(expect.any(String));
    });

    it('answers 400 to a body that is not JSON', async () => {
      const answer = await call('POST', '/v2/shipments', '{"shipment":');

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(errorOf('BAD_REQUEST'));
    });

    it('creates a shipment to an UNDELIVERABLE street without rates, with a rate_error message', async () => {
      const reference = newReference();

      const shipment = await created(reference, { to_address: { ...address, street1: '9 Undeliverable Road' } });

      expect(shipment.rates).toEqual([]);
      expect(shipment.messages).toEqual([
        { carrier: 'USPS', type: 'rate_error', message: 'Unable to deliver to this address' },
      ]);
      const buy = await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: 'rate_any' } });
      expect(buy.status).toBe(422);
      expect(buy.body).toEqual(errorOf('SHIPMENT.RATE.INVALID', ['rate.id']));
      expect(await carrierStats(reference)).toMatchObject({ shipments: 1, labels: 0 });
    });

    it('answers 413 to a body over 64 KiB', async () => {
      const answer = await create(newReference(), { padding: 'x'.repeat(65 * 1024) });

      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toEqual(expect.any(String));
    });
  });

  describe('GET /v2/shipments/{id}', () => {
    it('answers the shipment as created', async () => {
      const shipment = await created(newReference());

      const answer = await call('GET', `/v2/shipments/${shipment.id}`);

      expect(answer).toMatchObject({ status: 200, body: shipment });
    });

    it('answers 404 NOT_FOUND for an unknown shipment', async () => {
      const answer = await call('GET', '/v2/shipments/shp_000000000000000000000000');

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(errorOf('NOT_FOUND'));
    });
  });

  describe('POST /v2/shipments/{id}/buy', () => {
    it('buys the rate: a unique EZ tracking code, the label and a pre_transit tracker with a public URL', async () => {
      const reference = newReference();
      const shipment = await created(reference);
      const rate = cheapest(shipment);

      const answer = await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: rate.id } });

      expect(answer.status).toBe(200);
      const trackingCode = answer.body.tracking_code;
      expect(trackingCode).toMatch(/^EZ\d{10}$/);
      expect(answer.body).toMatchObject({
        id: shipment.id,
        status: 'pre_transit',
        selected_rate: rate,
        postage_label: { object: 'PostageLabel', label_url: `${sandbox.url}/labels/${shipment.id}.png` },
        tracker: {
          id: expect.stringMatching(/^trk_[0-9a-f]{24}$/),
          object: 'Tracker',
          tracking_code: trackingCode,
          status: 'pre_transit',
          carrier: 'USPS',
        },
        refund_status: null,
      });
      expect(answer.body.tracker.public_url).toBe(`${sandbox.url}/track/${answer.body.tracker.id}`);
      expect((await call('GET', `/v2/shipments/${shipment.id}`)).body).toEqual(answer.body);
      expect(await carrierStats(reference)).toMatchObject({ shipments: 1, labels: 1, requests: 3 });
    });

    it('gives every label its own tracking code', async () => {
      const codes = new Set<string>();
      for (let i = 0; i < 20; i++) codes.add((await bought(newReference())).tracking_code);

      expect(codes.size).toBe(20);
    });

    it('refuses a second purchase with SHIPMENT.POSTAGE.EXISTS whatever the rate, and changes nothing', async () => {
      const reference = newReference();
      const first = await bought(reference);
      const other = first.rates.find((rate: Json) => rate.id !== first.selected_rate.id);

      for (const body of [{ rate: { id: first.selected_rate.id } }, { rate: { id: other.id } }, {}]) {
        const again = await call('POST', `/v2/shipments/${first.id}/buy`, body);

        expect(again.status).toBe(422);
        expect(again.body).toEqual(errorOf('SHIPMENT.POSTAGE.EXISTS'));
      }
      expect((await call('GET', `/v2/shipments/${first.id}`)).body).toEqual(first);
      expect(await carrierStats(reference)).toMatchObject({ labels: 1 });
    });

    it('refuses a rate that is not one of the shipment with SHIPMENT.RATE.INVALID', async () => {
      const reference = newReference();
      const shipment = await created(reference);
      const elsewhere = await created(newReference());

      for (const body of [{ rate: { id: 'rate_unknown' } }, { rate: { id: elsewhere.rates[0].id } }, {}, '']) {
        const answer = await call('POST', `/v2/shipments/${shipment.id}/buy`, body);

        expect(answer.status).toBe(422);
        expect(answer.body).toEqual(errorOf('SHIPMENT.RATE.INVALID', ['rate.id']));
      }
      expect((await call('GET', `/v2/shipments/${shipment.id}`)).body).toEqual(shipment);
      expect(await carrierStats(reference)).toMatchObject({ labels: 0 });
    });

    it('answers 404 for an unknown shipment', async () => {
      const answer = await call('POST', '/v2/shipments/shp_nothing/buy', { rate: { id: 'rate_x' } });

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(errorOf('NOT_FOUND'));
    });
  });

  describe('POST /v2/shipments/{id}/refund', () => {
    it('submits the refund of an unscanned label, and answers the same again (counted once)', async () => {
      const reference = newReference();
      const shipment = await bought(reference);

      const first = await fetch(`${sandbox.url}/v2/shipments/${shipment.id}/refund`, {
        method: 'POST',
        headers: { Authorization: basic(sandbox.apiKey) },
      });
      const again = await call('POST', `/v2/shipments/${shipment.id}/refund`, {});

      expect(first.status).toBe(200);
      const answer = await first.json();
      expect(answer).toMatchObject({
        id: shipment.id,
        refund_status: 'submitted',
        tracking_code: shipment.tracking_code,
      });
      expect(again).toMatchObject({ status: 200, body: answer });
      expect(await carrierStats(reference)).toMatchObject({ labels: 1, refunds: 1 });
    });

    it('rejects the refund of a label the carrier has scanned', async () => {
      const reference = newReference();
      const shipment = await bought(reference);
      await dispatchParcel(reference);

      const answer = await call('POST', `/v2/shipments/${shipment.id}/refund`);
      const again = await call('POST', `/v2/shipments/${shipment.id}/refund`);

      expect(answer).toMatchObject({ status: 200, body: { refund_status: 'rejected', status: 'in_transit' } });
      expect(again).toMatchObject({ status: 200, body: { refund_status: 'rejected' } });
      expect(await carrierStats(reference)).toMatchObject({ refunds: 0 });
    });

    it('answers 422 SHIPMENT.NOT_PURCHASED for a shipment without a label', async () => {
      const shipment = await created(newReference());

      const answer = await call('POST', `/v2/shipments/${shipment.id}/refund`);

      expect(answer.status).toBe(422);
      expect(answer.body).toEqual(errorOf('SHIPMENT.NOT_PURCHASED'));
      expect((await call('GET', `/v2/shipments/${shipment.id}`)).body.refund_status).toBeNull();
    });

    it('answers 404 for an unknown shipment', async () => {
      const answer = await call('POST', '/v2/shipments/shp_nothing/refund');

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(errorOf('NOT_FOUND'));
    });
  });

  describe('other requests', () => {
    it.each([
      ['GET', '/v2/shipments'],
      ['DELETE', '/v2/shipments/shp_x'],
      ['POST', '/v2/shipments/shp_x'],
      ['GET', '/v2/shipments/shp_x/buy'],
      ['POST', '/v2/trackers'],
      ['GET', '/'],
      ['GET', '/_sandbox/references/ord_1/faults'],
    ])('answers %s %s with 404 NOT_FOUND', async (method, path) => {
      const answer = await call(method, path);

      expect(answer.status).toBe(404);
      expect(answer.type).toBe('application/json');
      expect(answer.body).toEqual(errorOf('NOT_FOUND'));
    });

    it('answers 500 INTERNAL_SERVER_ERROR when the handler crashes', async () => {
      const crashing = await startSandboxCarrier({
        onRequest: () => {
          throw new Error('log sink down');
        },
      });
      try {
        const response = await fetch(`${crashing.url}/v2/shipments/shp_x`, {
          headers: { Authorization: basic(crashing.apiKey) },
        });

        expect(response.status).toBe(500);
        expect(await response.json()).toEqual(errorOf('INTERNAL_SERVER_ERROR'));
      } finally {
        await crashing.stop();
      }
    });

    it('logs one line per API request through onRequest', async () => {
      const lines: string[] = [];
      const logged = await startSandboxCarrier({ apiKey: 'EZTK_other', onRequest: (line) => lines.push(line) });
      try {
        const response = await fetch(`${logged.url}/v2/shipments`, {
          method: 'POST',
          headers: { Authorization: basic('EZTK_other'), 'Content-Type': 'application/json' },
          body: JSON.stringify(shipmentBody('ord_logged')),
        });

        expect(response.status).toBe(201);
        expect(lines).toEqual(['POST /v2/shipments → 201, reference ord_logged']);
      } finally {
        await logged.stop();
      }
    });
  });

  describe('the public tracking page and label', () => {
    it('shows the tracking code and status without authentication, and follows a scan', async () => {
      const reference = newReference();
      const shipment = await bought(reference);

      const page = await fetch(shipment.tracker.public_url);

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain(shipment.tracking_code);
      expect(html).toContain('pre_transit');
      await dispatchParcel(reference);
      expect(await (await fetch(shipment.tracker.public_url)).text()).toContain('in_transit');
    });

    it('serves the label as a PNG', async () => {
      const shipment = await bought(newReference());

      const label = await fetch(shipment.postage_label.label_url);

      expect(label.status).toBe(200);
      expect(label.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await label.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    });

    it('answers 404 for an unknown tracker or label', async () => {
      expect((await fetch(`${sandbox.url}/track/trk_unknown`)).status).toBe(404);
      expect((await fetch(`${sandbox.url}/labels/shp_unknown.png`)).status).toBe(404);
    });
  });

  describe('test hooks', () => {
    it('counts every request about a reference, failures included, and only those', async () => {
      const reference = newReference();
      const shipment = await created(reference);
      await call('GET', `/v2/shipments/${shipment.id}`);
      await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: 'rate_wrong' } });
      await call('POST', `/v2/shipments/${shipment.id}/refund`);
      await create(reference, { parcel: { weight: 0 } });
      await call('GET', '/v2/shipments/shp_unknown');
      await created(newReference());

      const stats = await carrierStats(reference);

      expect(stats).toEqual({
        reference,
        shipments: 1,
        labels: 0,
        refunds: 0,
        requests: 5,
        shipmentIds: [shipment.id],
      });
      expect(sandbox.statsFor(reference)).toEqual(stats);
    });

    it('answers zeros for a reference it never saw, whatever its characters', async () => {
      const reference = 'ord/with space?&';

      expect(await carrierStats(reference)).toEqual({
        reference,
        shipments: 0,
        labels: 0,
        refunds: 0,
        requests: 0,
        shipmentIds: [],
      });
    });

    it('answers the next serverErrors creates with 503 SERVICE_UNAVAILABLE without creating anything', async () => {
      const reference = newReference();
      const other = newReference();
      await injectCarrierFaults(reference, { serverErrors: 2 });

      const answers = [await create(reference), await create(other), await create(reference), await create(reference)];

      expect(answers.map(({ status }) => status)).toEqual([503, 201, 503, 201]);
      expect(answers[0]?.body).toEqual(errorOf('SERVICE_UNAVAILABLE'));
      expect(await carrierStats(reference)).toMatchObject({ shipments: 1, requests: 3 });
      expect(await carrierStats(other)).toMatchObject({ shipments: 1, requests: 1 });
    });

    it('fails requests on a shipment for its reference, unprocessed: a 503 buy buys nothing', async () => {
      const reference = newReference();
      const shipment = await created(reference);
      sandbox.injectFaults(reference, { serverErrors: 1 });

      const failed = await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: shipment.rates[0].id } });

      expect(failed.status).toBe(503);
      expect((await call('GET', `/v2/shipments/${shipment.id}`)).body.tracking_code).toBeNull();
      const retried = await call('POST', `/v2/shipments/${shipment.id}/buy`, { rate: { id: shipment.rates[0].id } });
      expect(retried.status).toBe(200);
      expect(await carrierStats(reference)).toMatchObject({ labels: 1, requests: 4 });
    });

    it('holds back the next answer after processing, so a client times out on a shipment that was created', async () => {
      const reference = newReference();
      await injectCarrierFaults(reference, { delayMs: 500 });

      const timedOut = await call('POST', '/v2/shipments', shipmentBody(reference), {
        signal: AbortSignal.timeout(100),
      }).catch((error: unknown) => error);
      const started = Date.now();
      const next = await create(reference);

      expect(timedOut).toMatchObject({ name: 'TimeoutError' });
      expect(next.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(400);
      expect(await carrierStats(reference)).toMatchObject({ shipments: 2, requests: 2 });
    }, 10_000);

    it('holds back `times` answers, after the injected 503s', async () => {
      const reference = newReference();
      const shipment = await created(reference);
      await injectCarrierFaults(reference, { serverErrors: 1, delayMs: 150, times: 2 });
      const timed = async () => {
        const started = Date.now();
        const answer = await call('GET', `/v2/shipments/${shipment.id}`);
        return { status: answer.status, ms: Date.now() - started };
      };

      const answers = [await timed(), await timed(), await timed(), await timed()];

      expect(answers.map(({ status }) => status)).toEqual([503, 200, 200, 200]);
      expect(answers[0]?.ms).toBeLessThan(120);
      expect(answers[1]?.ms).toBeGreaterThanOrEqual(140);
      expect(answers[2]?.ms).toBeGreaterThanOrEqual(140);
      expect(answers[3]?.ms).toBeLessThan(120);
    });

    it.each([
      ['not JSON', 'serverErrors=1'],
      ['an array', '[]'],
      ['no fault', '{}'],
      ['a negative serverErrors', '{"serverErrors":-1}'],
      ['a fractional serverErrors', '{"serverErrors":1.5}'],
      ['a delay as text', '{"delayMs":"100"}'],
      ['times of 0', '{"delayMs":100,"times":0}'],
      ['times without delayMs', '{"serverErrors":1,"times":2}'],
      ['an unknown fault', '{"ms":100}'],
    ])('answers 400 to faults that are %s, and injects nothing', async (_, body) => {
      const reference = newReference();

      const answer = await call('POST', `/_sandbox/references/${reference}/faults`, body);

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 'BAD_REQUEST', message: expect.any(String), errors: expect.any(Array) },
      });
      expect((await create(reference)).status).toBe(201);
    });

    it('throws on invalid faults in process', () => {
      expect(() => sandbox.injectFaults('ord_x', { serverErrors: -1 })).toThrow(/serverErrors/);
      expect(() => sandbox.injectFaults('ord_x', {})).toThrow(/invalid faults/);
    });

    it('dispatches every bought shipment of the reference: trackers in_transit, later refunds rejected', async () => {
      const reference = newReference();
      const first = await bought(reference);
      const second = await created(reference);
      await call('POST', `/v2/shipments/${second.id}/buy`, { rate: { id: second.rates[1].id } });
      const unbought = await created(reference);

      const dispatch = await call('POST', `/_sandbox/references/${reference}/dispatch`);

      expect(dispatch).toEqual({ status: 204, type: null, body: null });
      for (const id of [first.id, second.id]) {
        const shipment = (await call('GET', `/v2/shipments/${id}`)).body;
        expect(shipment).toMatchObject({ status: 'in_transit', tracker: { status: 'in_transit' } });
        expect(shipment.updated_at >= first.updated_at).toBe(true);
        expect((await call('POST', `/v2/shipments/${id}/refund`)).body.refund_status).toBe('rejected');
      }
      expect((await call('GET', `/v2/shipments/${unbought.id}`)).body).toMatchObject({
        status: 'unknown',
        tracker: null,
      });
      expect((await call('POST', `/_sandbox/references/${reference}/dispatch`)).status).toBe(204);
    });

    it('answers 404 to a dispatch without a bought shipment, and throws in process', async () => {
      const reference = newReference();
      await created(reference);

      const answer = await call('POST', `/_sandbox/references/${reference}/dispatch`);

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(errorOf('NOT_FOUND'));
      expect(() => sandbox.dispatch(reference)).toThrow(/no bought shipment/);
      expect(() => sandbox.dispatch(newReference())).toThrow(/no bought shipment/);
      sandbox.dispatch((await bought(reference)).reference);
    });
  });

  describe('stop', () => {
    it('releases held answers and closes every connection', async () => {
      const stopping = await startSandboxCarrier();
      stopping.injectFaults('ord_held', { delayMs: 60_000 });
      const pending = fetch(`${stopping.url}/v2/shipments`, {
        method: 'POST',
        headers: { Authorization: basic(stopping.apiKey), 'Content-Type': 'application/json' },
        body: JSON.stringify(shipmentBody('ord_held')),
      }).catch((error: unknown) => error);
      while (stopping.statsFor('ord_held').shipments === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const started = Date.now();

      await Promise.all([stopping.stop(), stopping.stop()]);

      expect(Date.now() - started).toBeLessThan(1000);
      // fetch's errors come from another realm than jest's: match them by name.
      expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
      await expect(fetch(`${stopping.url}/track/trk_x`)).rejects.toThrow();
    });
  });
});
