/**
 * Deterministic stand-in directory anchors for running the emulator without a domain controller
 * (unit tests, an emulator-only lab). With a real DC, use the anchors read back from AD instead.
 */
import type { DirectoryAnchors } from '../seed/directory-anchors.js';
import type { SeedUser } from '../seed/organisation.js';
import { createRandom } from '../seed/random.js';

/** Makes plausible anchors (random objectGUID, a domain SID + RID, the user's DN) for every user. */
export function syntheticAnchors(users: SeedUser[], seed = 4242): Map<string, DirectoryAnchors> {
  const random = createRandom(seed);
  const domainSid = `S-1-5-21-${[0, 0, 0].map(() => Math.floor(random.next() * 4_000_000_000)).join('-')}`;
  const anchors = new Map<string, DirectoryAnchors>();
  users.forEach((user, index) => {
    const objectGuid = Buffer.from(random.hex(32), 'hex');
    anchors.set(user.key, {
      distinguishedName: `CN=${escapeRdn(user.cn)},${user.parentDn}`,
      objectGuid,
      objectSid: `${domainSid}-${1105 + index}`,
      consistencyGuid: user.sourceAnchor === 'consistencyGuid' ? Buffer.from(objectGuid) : null,
    });
  });
  return anchors;
}


function escapeRdn(value: string): string {
  return value.replace(/([,\\#+<>;"=])/g, '\\$1').replace(/^ /, '\\ ').replace(/ $/, '\\ ');
}
