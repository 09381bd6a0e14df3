/**
 * Prometheus metrics of the running service: cycle durations, objects by outcome, cloud API
 * retries, LDAP latency. Served at `/metrics` by the health server.
 */
import { Counter, Histogram, Gauge, Registry } from 'prom-client';
import type { AttributeChange } from '../core/attribute-change.js';
import type { DirectoryObject } from '../core/directory-object.js';
import type { AnchorCandidates, AnchorQuery, DirectoryPort } from '../directory/directory-port.js';

/** The service's metric set, in its own registry (no global state). */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly cycleDuration = new Histogram({
    name: 'exowb_cycle_duration_seconds', help: 'Duration of writeback cycles', labelNames: ['kind', 'outcome'] as const,
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600], registers: [this.registry],
  });
  readonly objects = new Counter({ name: 'exowb_objects_total', help: 'Mailboxes processed, by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly apiRetries = new Counter({ name: 'exowb_api_retries_total', help: 'Cloud API retries, by API and reason', labelNames: ['api', 'reason'] as const, registers: [this.registry] });
  readonly ldapLatency = new Histogram({
    name: 'exowb_ldap_operation_seconds', help: 'LDAP operation latency', labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  readonly state = new Gauge({ name: 'exowb_service_state', help: '1 for the current state of the service', labelNames: ['state'] as const, registers: [this.registry] });
  readonly lastCycleEnd = new Gauge({ name: 'exowb_last_cycle_end_timestamp_seconds', help: 'When the last cycle ended', labelNames: ['kind'] as const, registers: [this.registry] });

  /** Marks `current` as the service state (the others 0). */
  setState(current: string): void {
    for (const state of ['active', 'paused', 'quarantined', 'stopped']) this.state.set({ state }, state === current ? 1 : 0);
  }

  /** Wraps a directory port so that every LDAP call is timed. */
  instrument(port: DirectoryPort): DirectoryPort {
    const time = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
      const end = this.ldapLatency.startTimer({ operation });
      try {
        return await work();
      } finally {
        end();
      }
    };
    return {
      findByAnchors: (query: AnchorQuery): Promise<AnchorCandidates> => time('search', () => port.findByAnchors(query)),
      listUsers: (options) => timedPages(port.listUsers(options), () => this.ldapLatency.startTimer({ operation: 'page' })),
      changeMark: () => time('search', () => port.changeMark()),
      readByGuid: (guid: Buffer): Promise<DirectoryObject | null> => time('read', () => port.readByGuid(guid)),
      modify: (guid: Buffer, changes: readonly AttributeChange[]) => time('modify', () => port.modify(guid, changes)),
      missingSchemaAttributes: (names) => time('schema', () => port.missingSchemaAttributes(names)),
      effectiveWritableAttributes: (dn) => time('rights', () => port.effectiveWritableAttributes(dn)),
      sampleUsers: (baseDn, limit) => time('search', () => port.sampleUsers(baseDn, limit)),
      whoAmI: () => port.whoAmI(),
      close: () => port.close(),
    };
  }
}

/** Times each page of a paged read (the whole read can take minutes; a page is the unit of waiting). */
async function* timedPages<T>(pages: AsyncIterable<T>, startTimer: () => () => void): AsyncIterable<T> {
  const iterator = pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const end = startTimer();
      const next = await iterator.next().finally(end);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A consumer that stops early must still end the underlying search.
    await iterator.return?.();
  }
}
