/**
 * Fault injection between the card-status publisher and the broker, so tests (and anyone poking
 * the dev stack) can make the feed misbehave the ways a real network and broker do: lose a
 * message, deliver one twice, deliver two out of order, or deliver one with a broken MAC.
 */

export interface CardStatusFaults {
  /** The next `count` messages are sealed (their seq is used) but never sent: a gap. */
  dropNext(count?: number): void;
  /** The next `count` messages are sent twice. */
  duplicateNext(count?: number): void;
  /** The next message is held back and sent right after the following message on its topic. */
  reorderNext(): void;
  /** The next `count` messages go out with one MAC digit changed. */
  corruptMacNext(count?: number): void;
}

type Publish = (topic: string, body: string, retain: boolean) => Promise<void>;

interface Held {
  body: string;
  retain: boolean;
}

function flipMac(body: string): string {
  const message = JSON.parse(body) as { mac?: unknown };
  if (typeof message.mac !== 'string' || message.mac.length === 0) return body;
  const last = message.mac.slice(-1);
  return JSON.stringify({ ...message, mac: message.mac.slice(0, -1) + (last === '0' ? '1' : '0') });
}

export class FaultyOutbox {
  private drop = 0;
  private duplicate = 0;
  private corrupt = 0;
  private reorderArmed = false;
  private readonly held = new Map<string, Held>();
  private readonly inflight = new Set<Promise<void>>();

  readonly faults: CardStatusFaults = {
    dropNext: (count = 1) => void (this.drop += count),
    duplicateNext: (count = 1) => void (this.duplicate += count),
    reorderNext: () => void (this.reorderArmed = true),
    corruptMacNext: (count = 1) => void (this.corrupt += count),
  };

  constructor(private readonly publish: Publish) {}

  /** Sends (or mangles) one message; resolves once what was sent is acknowledged. */
  send(topic: string, body: string, retain: boolean): Promise<void> {
    if (this.drop > 0) {
      this.drop -= 1;
      return Promise.resolve();
    }
    let outgoing = body;
    if (this.corrupt > 0) {
      this.corrupt -= 1;
      outgoing = flipMac(body);
    }
    if (this.reorderArmed && !this.held.has(topic)) {
      this.reorderArmed = false;
      this.held.set(topic, { body: outgoing, retain });
      return Promise.resolve();
    }
    const sends = [this.track(this.publish(topic, outgoing, retain))];
    if (this.duplicate > 0) {
      this.duplicate -= 1;
      sends.push(this.track(this.publish(topic, outgoing, retain)));
    }
    const held = this.held.get(topic);
    if (held) {
      this.held.delete(topic);
      sends.push(this.track(this.publish(topic, held.body, held.retain)));
    }
    return Promise.all(sends).then(() => undefined);
  }

  /** Sends whatever is still held back and waits for everything in flight. */
  async flush(): Promise<void> {
    for (const [topic, held] of this.held) this.track(this.publish(topic, held.body, held.retain));
    this.held.clear();
    await Promise.allSettled([...this.inflight]);
  }

  private track(sending: Promise<void>): Promise<void> {
    this.inflight.add(sending);
    const settle = (): void => void this.inflight.delete(sending);
    sending.then(settle, settle);
    return sending;
  }
}
