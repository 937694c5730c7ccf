import { sql } from 'drizzle-orm';
import { orgUnits, users } from '../../../db/schema';
import { hashSql, inDb, rows, setOf, type Covered } from './hashers';

/**
 * The audited part of an account: what decides who may log in and as whom. Login bookkeeping (last
 * login, failure counter, last TOTP step) changes at every login and is left out; the TOTP secret
 * counts once the second factor is enabled (a pending enrolment is not yet a right).
 */
const userProjection = {
  id: users.id,
  username: users.username,
  passwordHash: users.passwordHash,
  emailLookup: users.emailLookup,
  phoneLookup: users.phoneLookup,
  disabled: users.disabled,
  mustChangePassword: users.mustChangePassword,
  totpSecret: users.totpSecret,
  totpEnabledAt: users.totpEnabledAt,
  deletedAt: users.deletedAt,
};

/** Who may do what: accounts, their roles, participants' profiles, org units and service records. */
export const peopleCoverage: Covered[] = [
  {
    type: 'user',
    tables: ['users'],
    key: 'id',
    how: 'row',
    covers:
      'login name, password hash, e-mail/phone lookups, disabled, must-change, enabled second factor, deletion',
    writers: 'auth, users, onboarding, participants, third-party accounts',
    hashes: rows(users, users.id, {
      projection: userProjection,
      map: (u) => ({ ...u, totpSecret: u.totpEnabledAt ? u.totpSecret : null }),
    }),
    companions: ['user_roles', 'participant'],
  },
  {
    type: 'user_roles',
    tables: ['role_assignments'],
    key: 'user_id',
    how: 'set',
    covers: "a user's role assignments (role, org unit)",
    writers: "with the user's entries",
    hashes: setOf(
      'role_assignments',
      'user_id',
      "role, coalesce(org_unit_id::text, '')",
      "role, coalesce(org_unit_id::text, '')",
    ),
  },
  {
    type: 'participant',
    tables: ['participant_profiles', 'participant_relationships'],
    key: 'user_id',
    how: 'set',
    covers: "a participant's stakeholder profile and declared ties (what relevance is computed from)",
    writers: "with the user's entries",
    hashes: inDb(
      (where) => sql`select u.id as key, ${hashSql(sql`jsonb_build_array(
          (select jsonb_build_array(p.category, p.district, p.email_hash, p.phone_hash)
             from participant_profiles p where p.user_id = u.id),
          (select coalesce(jsonb_agg(jsonb_build_array(r.id, r.org_unit_id, r.kind, r.note) order by r.id), '[]'::jsonb)
             from participant_relationships r where r.user_id = u.id))::text`)} as hash
        from users u
        where ${where(sql`u.id`)}
          and (exists (select 1 from participant_profiles p where p.user_id = u.id)
            or exists (select 1 from participant_relationships r where r.user_id = u.id))`,
    ),
  },
  {
    type: 'org_unit',
    tables: ['org_units'],
    key: 'id',
    how: 'row',
    covers:
      'code, kind, parent, peer group; the path (which scopes every permission) is checked against the parents',
    writers: 'onboarding, participation invitations and service records',
    hashes: rows(orgUnits, orgUnits.id, {
      projection: {
        id: orgUnits.id,
        code: orgUnits.code,
        kind: orgUnits.kind,
        parentId: orgUnits.parentId,
        peerGroup: orgUnits.peerGroup,
      },
    }),
    companions: ['service_records'],
  },
  {
    type: 'service_records',
    tables: ['service_records'],
    key: 'org_unit_id',
    how: 'set',
    covers: "a unit's imported service records (contact hashes that verify declared ties)",
    writers: "participation service-record import (with the unit's entry)",
    hashes: setOf('service_records', 'org_unit_id', 'id, contact_hash, kind, served_on', 'id'),
  },
];
