/**
 * `lab.json`: every connection fact a script, a test or the engine needs to use a running lab.
 * Written by `exo-writeback lab up` with mode 0600 (it holds the lab's generated passwords).
 */
export interface LabFacts {
  version: 1;
  /** Absolute path of the lab directory. */
  dir: string;
  createdAt: string;
  tenant: {
    tenantId: string;
    initialDomain: string;
    /** App registration the engine authenticates as. */
    clientId: string;
    clientSecret: string;
    /** Client certificate (PEM) registered on the app, and its private key. */
    certificateFile: string;
    privateKeyFile: string;
    /** Base URLs: in the lab all three point at the emulator. */
    loginBaseUrl: string;
    exoBaseUrl: string;
    graphBaseUrl: string;
    /** CA bundle that verifies the emulator's TLS certificate. */
    caFile: string;
    emulatorPort: number;
  };
  directory: {
    realm: string;
    dnsName: string;
    netbiosName: string;
    baseDn: string;
    /** `ldaps://127.0.0.1:<port>` (the DC runs in its own network namespace where possible). */
    ldapUrl: string;
    caFile: string;
    /** OU delegated to the service account; the engine's scope. */
    scopedOu: string;
    admin: { bindName: string; password: string };
    serviceAccount: { bindName: string; distinguishedName: string; password: string };
  };
  /** Ready engine configuration for this lab (secrets referenced by file, not inlined). */
  engineConfigFile: string;
  /** Mailboxes seeded, and the organisation's seed when not the default. */
  mailboxes: number;
  seed?: number;
  /** Share of generated mailboxes that are cloud-managed, when not the default mix. */
  cloudManagedShare?: number;
}
