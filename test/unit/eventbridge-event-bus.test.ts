import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createEventBridgeBus, EVENT_SOURCE } from '../../shared/adapters/aws/eventbridge-event-bus';
import { type DomainEvent, newEventId } from '../../shared/domain/events/domain-event';

/**
 * The bus adapter against a stand-in client (there is no EventBridge to run here): what each
 * PutEvents call carries, and that a partly refused call fails the publication (PutEvents answers
 * 200 with per-entry errors, which the SDK does not throw).
 */
const events = (count: number): DomainEvent[] =>
  Array.from({ length: count }, (_, index) => {
    const occurredAt = new Date(Date.UTC(2026, 11, 8, 10, 0, index)).toISOString();
    return { id: newEventId(occurredAt), type: 'order.paid', occurredAt, data: { order: { orderId: `ord_${index}` } } };
  });

function client(answer: (entries: number) => { FailedEntryCount: number; Entries: Array<Record<string, string>> }) {
  const calls: PutEventsCommand['input'][] = [];
  const fake = {
    send: async (command: PutEventsCommand) => {
      calls.push(command.input);
      return answer(command.input.Entries?.length ?? 0);
    },
  } as unknown as EventBridgeClient;
  return { calls, fake };
}

describe('EventBridge bus adapter', () => {
  it('puts each event as one entry (source, detail-type, detail, time), ten to a call', async () => {
    const { calls, fake } = client((entries) => ({
      FailedEntryCount: 0,
      Entries: Array(entries).fill({ EventId: 'x' }),
    }));
    const published = events(23);
    await createEventBridgeBus(fake, 'cartwheel-prod').publish(published);
    expect(calls.map((call) => call.Entries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]?.Entries?.[0];
    expect(first).toEqual({
      EventBusName: 'cartwheel-prod',
      Source: EVENT_SOURCE,
      DetailType: 'order.paid',
      Detail: JSON.stringify(published[0]),
      Time: new Date(published[0]?.occurredAt as string),
    });
  });

  it('fails the publication when EventBridge refuses any entry, so the stream hands the event over again', async () => {
    const { fake } = client((entries) => ({
      FailedEntryCount: 1,
      Entries: [
        ...Array(entries - 1).fill({ EventId: 'x' }),
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
      ],
    }));
    await expect(createEventBridgeBus(fake, 'cartwheel-prod').publish(events(3))).rejects.toThrow(
      /refused 1 of 3 events: ThrottlingException Rate exceeded/,
    );
  });
});
