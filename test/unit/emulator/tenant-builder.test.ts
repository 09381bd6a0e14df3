import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from '../../../lab/emulator/emulator-errors.js';
import { syntheticAnchors } from '../../../lab/emulator/synthetic-anchors.js';
import { buildTenantState } from '../../../lab/emulator/tenant-builder.js';
import { EXO_RESOURCE, GRAPH_RESOURCE } from '../../../lab/emulator/tenant-state.js';
import { thumbprints } from '../../../lab/pki/certificates.js';
import { buildOrganisation } from '../../../lab/seed/organisation.js';
import { labPki } from './emulator-fixture.js';

describe('buildTenantState', () => {
  it('turns the organisation and AD anchors into Graph users and EXO mailboxes', async () => {
    const { appCertPem } = await labPki();
    const users = buildOrganisation({ mailboxes: 40 });
    const anchors = syntheticAnchors(users);
    const data = buildTenantState(users, anchors, { appCertificatePem: appCertPem, now: new Date('2026-08-01T12:00:00Z') });

    const synced = users.filter((u) => u.syncedToEntra);
    expect(data.graphUsers.filter((u) => u.onPremisesSyncEnabled === true)).toHaveLength(synced.length);
    for (const user of synced) {
      const graph = data.graphUsers.find((g) => g.id === user.entraId);
      const anchor = anchors.get(user.key);
      const expectedAnchor = user.sourceAnchor === 'consistencyGuid' ? anchor?.consistencyGuid : anchor?.objectGuid;
      expect(graph?.onPremisesImmutableId).toBe(expectedAnchor?.toString('base64'));
      expect(graph).toMatchObject({ onPremisesSecurityIdentifier: anchor?.objectSid, onPremisesDistinguishedName: anchor?.distinguishedName, onPremisesDomainName: 'lab.example.com', onPremisesSamAccountName: user.key });
    }
    // Legacy-anchored users have no consistency GUID: the immutable id is the objectGUID.
    const legacy = synced.find((u) => u.sourceAnchor === 'objectGuid');
    if (legacy) expect(anchors.get(legacy.key)?.consistencyGuid).toBeNull();

    const maria = data.mailboxes.find((m) => m.Alias === 'mgarcia');
    const seedMaria = users.find((u) => u.key === 'mgarcia')?.mailbox;
    expect(maria).toMatchObject({ IsDirSynced: true, IsExchangeCloudManaged: true, EmailAddresses: seedMaria?.cloudEmailAddresses, RecipientTypeDetails: 'UserMailbox' });
    expect(maria?.CustomAttributes[4]).toBe('Edited in Exchange Online');
    expect(maria?.CustomAttributes).toHaveLength(15);
    expect(data.mailboxes.find((m) => m.Alias === 'projector1')).toMatchObject({ RecipientTypeDetails: 'EquipmentMailbox', HiddenFromAddressListsEnabled: true });

    const cloudOnly = data.mailboxes.filter((m) => !m.IsDirSynced);
    expect(cloudOnly.map((m) => m.DisplayName).sort()).toEqual(['Cloud Helpdesk', 'Nora Cloudonly']);
    for (const m of cloudOnly) expect(data.graphUsers.find((g) => g.id === m.ExternalDirectoryObjectId)?.onPremisesSyncEnabled).toBeNull();

    const stamps = data.mailboxes.map((m) => m.WhenChangedUs);
    expect(new Set(stamps).size).toBe(stamps.length);

    const app = data.apps[0];
    expect(app?.clientSecrets[0]).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(app?.certificates[0]).toMatchObject(thumbprints(appCertPem));
    expect(app?.roles).toEqual({ [EXO_RESOURCE]: ['Exchange.ManageAsApp'], [GRAPH_RESOURCE]: ['User.Read.All'] });
  });

  it('refuses a synced user without anchors', async () => {
    const { appCertPem } = await labPki();
    const users = buildOrganisation({ mailboxes: 12 });
    const anchors = syntheticAnchors(users);
    anchors.delete('ataylor');
    expect(() => buildTenantState(users, anchors, { appCertificatePem: appCertPem })).toThrow(EmulatorConfigError);
  });
});

describe('buildTenantState with a custom organisation seed', () => {
  it('derives cloud-only ids that never collide with the organisation built from the same seed', async () => {
    const { appCertPem } = await labPki();
    for (const seed of [1, 20260515, 777]) {
      const users = buildOrganisation({ mailboxes: 15, seed });
      expect(() => buildTenantState(users, syntheticAnchors(users), { appCertificatePem: appCertPem, seed })).not.toThrow();
    }
  });
});
