import { useQuery } from '@tanstack/react-query';
import { api, qs } from '../shared/api';
import type { Cycle, Items, OrgUnit, Person, Plan as PlanSummary } from '@perfcommons/contracts';

export const useCycles = () =>
  useQuery({
    queryKey: ['cycles'],
    queryFn: () => api.get<Items<Cycle>>('/api/cycles').then((r) => r.items),
  });

export const useOrgs = () =>
  useQuery({ queryKey: ['orgs'], queryFn: () => api.get<Items<OrgUnit>>('/api/orgs').then((r) => r.items) });

export const usePeople = (orgUnitId?: string) =>
  useQuery({
    queryKey: ['people', orgUnitId ?? ''],
    queryFn: () => api.get<Items<Person>>(`/api/people${qs({ orgUnitId })}`).then((r) => r.items),
  });

export const usePlans = (cycleId?: string) =>
  useQuery({
    queryKey: ['plans', cycleId ?? ''],
    queryFn: () => api.get<Items<PlanSummary>>(`/api/plans${qs({ cycleId })}`).then((r) => r.items),
  });

/** The cycle to show by default: the latest one that is not closed. */
export function defaultCycle(cycles: Cycle[] | undefined): Cycle | undefined {
  if (!cycles?.length) return undefined;
  const sorted = cycles.slice().sort((a, b) => b.periodStart.localeCompare(a.periodStart));
  return sorted.find((c) => c.stage !== 'closed') ?? sorted[0];
}
