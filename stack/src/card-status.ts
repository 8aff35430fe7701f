/**
 * The transit card-status feed in the stack: the sandbox card system publishes over MQTT (a given
 * broker, or an embedded aedes one) and the transit subgraph's feed consumes it.
 */
import { FRESHNESS_WINDOW_MS, type CardStatusKeys } from '@huimin/adapters';
import { startCardStatusPublisher, type CardStatusPublisher, type TransitCardRegister } from '@huimin/sandbox';
import { startCardStatusFeed, type CardStatusFeed } from '@huimin/subgraph-transit';
import { startEmbeddedBroker } from './embedded-broker';

export interface CardStatusOptions {
  /** A broker to use; without it an embedded aedes broker is started. */
  mqttUrl?: string;
  topicPrefix?: string;
  snapshotIntervalMs?: number;
  store: TransitCardRegister;
  keys: { publisher: CardStatusKeys; consumer: CardStatusKeys };
  host: string;
}

export interface RunningCardStatus {
  mqttUrl: string;
  publisher: CardStatusPublisher;
  feed: CardStatusFeed;
  close(): Promise<void>;
}

// How long the stack waits for the retained snapshots before serving; past it the transit
// subgraph answers from the card system until the feed has its view, so waiting is only polish.
const SYNC_WAIT_MS = 2000;

export async function startCardStatus(options: CardStatusOptions): Promise<RunningCardStatus> {
  const broker = options.mqttUrl === undefined ? await startEmbeddedBroker(options.host) : null;
  const mqttUrl = options.mqttUrl ?? broker?.url ?? '';
  const closers: Array<() => Promise<void>> = broker ? [() => broker.close()] : [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const publisher = await startCardStatusPublisher({
      mqttUrl,
      topicPrefix: options.topicPrefix,
      store: options.store,
      keys: options.keys.publisher,
      snapshotIntervalMs: options.snapshotIntervalMs,
      // A shared broker must not keep snapshots sealed with this run's throwaway keys.
      clearRetainedOnClose: true,
    });
    closers.push(() => publisher.close());
    const feed = await startCardStatusFeed({
      mqttUrl,
      topicPrefix: options.topicPrefix,
      keys: options.keys.consumer,
      // A retained snapshot may be one interval old; refuse it only once two have been missed.
      maxSnapshotAgeMs: options.snapshotIntervalMs === undefined ? undefined : 2 * options.snapshotIntervalMs + FRESHNESS_WINDOW_MS,
    });
    closers.push(() => feed.close());
    await feed.waitUntilSynced(SYNC_WAIT_MS);
    return { mqttUrl, publisher, feed, close };
  } catch (error) {
    await close();
    throw error;
  }
}
