import type { ErrorDetail } from '../../lib/errors';
import type { Db } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { AppError } from '../../lib/errors';
import { approvePlan } from './service';

export type ApproveOutcome =
  | { planId: string; outcome: 'approved'; plan: Awaited<ReturnType<typeof approvePlan>> }
  | { planId: string; outcome: 'refused'; error: string; message: string; details: ErrorDetail[] };

/**
 * Approves many plans, each exactly as {@link approvePlan} does (published for comment; unanswered
 * comments need the override reason) and each in its own transaction: approval is a decision on one
 * plan, so a plan that passes is approved even when another is refused. The outcome per plan, in
 * the order asked; the same plan named twice is decided once.
 */
export async function bulkApprovePlans(
  db: Db,
  actor: Actor | null,
  input: { planIds: string[]; overrideReason?: string },
) {
  requireOffice(actor, 'Approving plans');
  const items: ApproveOutcome[] = [];
  for (const planId of [...new Set(input.planIds)]) {
    try {
      const plan = await approvePlan(db, actor, planId, { overrideReason: input.overrideReason });
      items.push({ planId, outcome: 'approved', plan });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      items.push({
        planId,
        outcome: 'refused',
        error: err.error,
        message: err.message,
        details: err.details,
      });
    }
  }
  return {
    approved: items.filter((i) => i.outcome === 'approved').length,
    refused: items.filter((i) => i.outcome === 'refused').length,
    items,
  };
}
