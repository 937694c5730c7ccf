import { useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api';

export type Colour = 'green' | 'yellow' | 'red';
export const COLOURS: Record<Colour, string> = { green: '#389e0d', yellow: '#d4b106', red: '#cf1322' };
export const TAG_COLOURS: Record<Colour, string> = { green: 'green', yellow: 'gold', red: 'red' };

export interface Period {
  id: string;
  period: string;
  position: number;
  deadline: string;
  graceDays: number;
}
export interface TrajectoryPoint {
  period: string;
  value: number;
  expected: number;
  gap: number;
  shortfallShare: number;
  status: Colour;
}
export interface LeafTrajectory {
  code: string;
  name: string;
  nameEn: string | null;
  unit: string | null;
  baseline: number;
  target: number;
  points: TrajectoryPoint[];
  status: Colour | null;
  latest: TrajectoryPoint | null;
}
export interface PlanTrajectory {
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  status: Colour | null;
  counts: Record<Colour, number>;
  leaves: LeafTrajectory[];
}
export interface Warning {
  id: string;
  planId: string;
  indicatorCode: string;
  indicatorName: string;
  indicatorNameEn: string | null;
  unit: string | null;
  period: string;
  status: Colour;
  expected: number;
  actual: number;
  shortfallShare: number;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  tasks: { id: string; status: TaskStatus; deadline: string }[];
}
export type TaskStatus = 'open' | 'in_progress' | 'closed';
export interface Task {
  id: string;
  planId: string;
  warningId: string | null;
  indicatorCode: string | null;
  title: string;
  ownerId: string;
  ownerName: string;
  ownerNameEn: string | null;
  deadline: string;
  status: TaskStatus;
  resolution: string | null;
  overdue: boolean;
  appraiseeName: string;
  appraiseeNameEn: string | null;
}
export interface Overdue {
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  period: string;
  deadline: string;
  daysOverdue: number;
  escalated: boolean;
  missing: string[];
  reminderSentAt: string | null;
  escalationSentAt: string | null;
}
export interface FlagItem {
  valueId: string;
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  indicatorCode: string;
  indicatorName: string;
  indicatorNameEn: string | null;
  period: string;
  value: number;
  status: string;
  flags: { kind: 'jump' | 'outOfRange' | 'repeated'; message: string }[];
}
export interface Benford {
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  n: number;
  chiSquare: number;
  mad: number;
  counts: number[];
  conformity: 'close' | 'acceptable' | 'marginal' | 'nonconformity';
  flagged: boolean;
}
export interface RevisionChange {
  code: string;
  field: 'target' | 'weight';
  from: number;
  to: number;
}
export interface Revision {
  id: string;
  planId: string;
  status: 'pending' | 'approved' | 'rejected';
  justification: string;
  changes: RevisionChange[];
  requestedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
  previousVersion: number | null;
  newVersion: number | null;
  appraiseeName?: string;
  appraiseeNameEn?: string | null;
}
export interface Signoff {
  id: string;
  side: 'appraisee' | 'office';
  userName: string;
  userNameEn: string | null;
  planVersion: number;
  signedAt: string;
}
export interface Notification {
  id: string;
  kind: string;
  title: string;
  titleEn: string | null;
  body: string | null;
  bodyEn: string | null;
  planId: string | null;
  createdAt: string;
  readAt: string | null;
}

export const useMonitoring = <T>(key: string, cycleId: string | undefined, path: string) =>
  useQuery({
    queryKey: ['monitoring', key, cycleId],
    enabled: !!cycleId,
    queryFn: () => api.get<T>(path),
  });
