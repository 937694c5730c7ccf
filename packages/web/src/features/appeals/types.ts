/** Shapes of the appeals API (packages/server/src/modules/appeals). */

export interface ScoreSnapshot {
  total: number;
  grade: string;
  rank: number | null;
}

export interface Appeal {
  id: string;
  resultId: string;
  planId: string;
  indicatorCode: string;
  reason: string;
  evidence: string[];
  status: 'pending' | 'accepted' | 'rejected';
  appellantId: string;
  reviewerId: string | null;
  decisionReason: string | null;
  correction: { value: number; period?: string } | null;
  totalBefore: ScoreSnapshot | null;
  totalAfter: ScoreSnapshot | null;
  createdAt: string;
  decidedAt: string | null;
}

/** A published revision written by an accepted appeal (the appellant's result, and peers whose figures moved). */
export interface AppealRevision {
  resultId: string;
  planId: string;
  revision: number;
}
