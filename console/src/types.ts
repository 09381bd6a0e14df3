/** The API's JSON shapes as the console reads them (docs/api.md); dates arrive as ISO strings. */

export interface Cycle {
  id: string;
  seq: number;
  kind: 'full' | 'incremental' | 'reconcile' | 'undo' | 'on-demand';
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'success' | 'failed' | 'staged' | 'aborted' | null;
  counts: Record<string, number>;
  error: { code: string; message: string } | null;
}

export interface StagedCycle {
  cycleId: string;
  status: 'pending' | 'approved' | 'rejected' | 'applied';
  reason: string | null;
  stagedAt: string;
  objectCount: number;
  valuesRemoved: number;
}

export interface ServiceStatus {
  process: 'running' | 'not running';
  state: 'active' | 'paused' | 'quarantined' | 'stopped' | 'never started';
  heartbeatAt: string | null;
  nextCycleAt: string | null;
  lastCycle: Cycle | null;
  lastSuccessfulCycle: Cycle | null;
  quarantine: { reason: string; code: string; since: string; attempts: number; nextAttemptAt: string } | null;
  pendingApprovals: StagedCycle[];
  failingObjects: Array<{ entraId: string; lastErrorCode: string; failures: number; nextAttemptAt: string }>;
}

export interface ProvisioningStep {
  name: string;
  provisioningStepType: string;
  status: string;
  description: string;
  details: Record<string, string>;
}

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface Identity {
  id: string | null;
  displayName: string | null;
  identityType: string;
  details: Record<string, string>;
}

export interface ProvisioningRecord {
  id: string;
  activityDateTime: string;
  cycleId: string;
  changeId: string;
  jobId: string;
  durationInMilliseconds: number;
  initiatedBy: { id: string; displayName: string; initiatorType: string };
  provisioningAction: string;
  provisioningStatusInfo: {
    status: 'success' | 'skipped' | 'failure' | 'warning';
    errorInformation: { errorCode: string; reason: string; additionalDetails: string | null; errorCategory: string; recommendedAction: string | null } | null;
    skipReason: string | null;
  };
  provisioningSteps: ProvisioningStep[];
  modifiedProperties: ModifiedProperty[];
  sourceIdentity: Identity;
  targetIdentity: Identity;
  sourceSystem: { displayName: string; details: Record<string, string> };
  targetSystem: { displayName: string; details: Record<string, string> };
  dryRun: boolean;
}

export interface MailboxSummary {
  displayName: string;
  userPrincipalName: string;
  primarySmtpAddress: string;
  alias: string;
  entraId: string;
  recipientTypeDetails: string;
  isDirSynced: boolean;
  isExchangeCloudManaged: boolean;
}

export interface Drift {
  id: number;
  cycleId: string;
  entraId: string;
  objectGuid: string;
  dn: string;
  attribute: string;
  adValue: string[];
  cloudValue: string[];
  whenChanged: string | null;
  detectedAt: string;
  repaired: boolean;
}

export interface UndoResult {
  cycleId: string | null;
  dryRun: boolean;
  objects: Array<{
    entraId: string;
    dn: string;
    restored: Array<{ attribute: string; from: string[]; to: string[] }>;
    refused: Array<{ attribute: string; reason: string; expected: string[]; actual: string[] }>;
    error: string | null;
  }>;
}

export interface CheckReport {
  ok: boolean;
  items: Array<{ name: string; status: 'pass' | 'fail' | 'warn'; detail: string }>;
  delegation: Array<{ domain: string; missing: Array<{ dn: string; attributes: string[] }>; commands: string[]; powershell: string | null }>;
}
