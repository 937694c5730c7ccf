import { useQuery } from '@tanstack/react-query';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type {
  BulkApproveReply as BulkApproveResult,
  BulkCreatePlansReply as SetupResult,
  Plan,
  PlanOwner,
  PlanSource,
  PlanTarget,
  PlanTemplate,
  Items,
} from '@perfcommons/contracts';

export type {
  BulkApproveReply as BulkApproveResult,
  BulkCreatePlansReply as SetupResult,
  PlanOwner,
  PlanSource,
  PlanTarget,
  PlanTemplate,
  SetupOutcome,
} from '@perfcommons/contracts';

/** A plan of the staff list, with its owner and what the user may do with it. */
export type PlanWithOwner = Plan;
export type ApproveOutcome = BulkApproveResult['items'][number];

export const usePlanTemplates = () =>
  useQuery({
    queryKey: ['plan-templates'],
    queryFn: () => api.get<Items<PlanTemplate>>('/api/plan-templates').then((r) => r.items),
    staleTime: Infinity,
  });

export const bulkCreatePlans = (body: { cycleId: string; target: PlanTarget; source: PlanSource }) =>
  api.post<SetupResult>('/api/plans/bulk', body);

export const bulkApprovePlans = (body: { planIds: string[]; overrideReason?: string }) =>
  api.post<BulkApproveResult>('/api/plans/bulk-approve', body);

export const setPlanOwner = (planId: string, ownerId: string | null) =>
  api.put<{ plan: PlanWithOwner }>(`/api/plans/${planId}/owner`, { ownerId });

export const assignDefaultOwners = (cycleId: string) =>
  api.post<{ assigned: number; withoutOwner: number }>('/api/plans/default-owners', { cycleId });

/** Display name of an owner in the current language. */
export const ownerName = (lang: string, o: PlanOwner) => pick(lang, o.displayName, o.displayNameEn);
