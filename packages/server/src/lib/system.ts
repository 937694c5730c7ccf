import type { Actor } from './actor';

/** The actor of command-line operations run by the operator (acts as the performance office). */
export const systemActor = (): Actor => ({
  id: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  displayName: '系统',
  displayNameEn: 'System',
  roles: [{ role: 'admin', orgUnitId: null, orgPath: null }],
});
