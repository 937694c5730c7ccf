import type { MonitoringPermissions } from '@perfcommons/contracts';
import { hasRole, isOffice, type Actor } from '../../lib/actor';

/**
 * What the actor may do in monitoring, by the rules the services enforce: the reporting calendar
 * (configurePeriods), early warnings (runWarnings), reminders (runReminders) and reopening a closed task
 * (updateTask) are the office's; anomaly flags (listFlags) are for verifiers and the office.
 */
export function monitoringPermissions(actor: Actor | null): MonitoringPermissions {
  const office = isOffice(actor);
  return {
    configurePeriods: office,
    runWarnings: office,
    runReminders: office,
    reopenTasks: office,
    viewFlags: office || hasRole(actor, 'verifier'),
  };
}
