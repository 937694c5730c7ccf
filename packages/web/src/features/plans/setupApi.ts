import { useQuery } from '@tanstack/react-query';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { Items, PlanSummary } from '../../shared/types';

/** Plan owner as the server presents it (staff views only). */
export interface PlanOwner {
  id: string;
  username: string;
  displayName: string;
  displayNameEn: string | null;
}

/** A plan of the staff list, with its owner. */
export type PlanWithOwner = PlanSummary & { ownerId?: string | null; owner?: PlanOwner | null };

export interface PlanTemplate {
  id: string;
  appraiseeTypes: ('unit' | 'cadre')[];
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  leaves: number;
}

export type PlanTarget = { appraiseeType: 'unit' | 'cadre'; peerGroup?: string };
export type PlanSource =
  { kind: 'template'; template: string } | { kind: 'copy'; fromCycleId: string; fallbackTemplate?: string };

/** One appraisee of a bulk set-up (POST /api/plans/bulk). */
export interface SetupOutcome {
  appraiseeType: 'unit' | 'cadre';
  orgUnitId: string;
  personId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  outcome: 'created' | 'exists' | 'skipped';
  planId?: string;
  title?: string;
  titleEn?: string | null;
  source?: 'template' | 'copy';
  templateId?: string;
  fromPlanId?: string;
  fallback?: boolean;
  targetsToSet?: number;
  ownerId?: string | null;
  owner?: PlanOwner | null;
  reason?: 'no_peer_group' | 'no_earlier_plan';
}

export interface SetupResult {
  cycleId: string;
  created: number;
  existing: number;
  skipped: number;
  withoutOwner: number;
  items: SetupOutcome[];
}

export interface ApproveOutcome {
  planId: string;
  outcome: 'approved' | 'refused';
  error?: string;
  message?: string;
  details?: { path: string; message: string }[];
}

export interface BulkApproveResult {
  approved: number;
  refused: number;
  items: ApproveOutcome[];
}

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
