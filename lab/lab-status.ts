/** What `exo-writeback lab status` reports. */
export interface LabStatus {
  dir: string;
  /** A lab was created in this directory (lab.json exists). */
  exists: boolean;
  directory: { running: boolean; ldapUrl: string | null; pids: number[] };
  emulator: { running: boolean; url: string | null; pid: number | null };
  /** Tenant counts, when the emulator answers. */
  tenant: null | {
    tenantId: string;
    mailboxes: number;
    dirSynced: number;
    cloudManaged: number;
    graphUsers: number;
  };
  /** The demo users and whether their mailbox is cloud-managed, when the emulator answers. */
  demoUsers: Array<{ displayName: string; userPrincipalName: string; cloudManaged: boolean }>;
  factsFile: string | null;
  engineConfigFile: string | null;
}
