/** What `/healthz` reports: the service's own judgement of whether it is working. */
export interface HealthReport {
  state: 'active' | 'paused' | 'quarantined' | 'stopped';
  /** True while active or paused with a fresh heartbeat; false when quarantined or stuck. */
  healthy: boolean;
  detail: Record<string, unknown>;
}
