/** The rules form: its values, read from and written to the rules API (percentages shown, shares sent). */
import type { ConsequenceRule, RulesReply as RulesView } from '@perfcommons/contracts';
import { DEFAULT_GRADE_SCHEME, type GradeScheme, type MissingDataPolicy } from '@perfcommons/domain';

const pct = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10000) / 100);

export interface FormValues {
  trimEachSide: number;
  minRaters: number;
  unitSharePct: number;
  annualSharePct: number;
  appealWindowDays: number;
  minPublicWeight: number;
  minLeafShare: number;
  missingData: MissingDataPolicy;
  bands: { grade: string; min: number }[];
  quotas: { grade: string; maxSharePct: number; atLeastOne?: boolean }[];
  tieBreak: GradeScheme['tieBreak'];
  consequenceRules: (ConsequenceRule & { appraiseeType?: 'unit' | 'cadre' })[];
  note?: string;
}

export function toForm(v: RulesView): FormValues {
  const scheme = v.gradeScheme ?? DEFAULT_GRADE_SCHEME;
  return {
    trimEachSide: v.rules.trimEachSide,
    minRaters: v.rules.minRaters,
    unitSharePct: pct(v.rules.unitShareForCadres)!,
    annualSharePct: pct(v.rules.annualShareForTerm)!,
    appealWindowDays: v.rules.appealWindowDays,
    minPublicWeight: v.rules.minPublicWeight ?? 0,
    minLeafShare: v.rules.minLeafShare ?? 1,
    missingData: v.rules.missingData ?? 'incomplete',
    bands: scheme.bands,
    quotas: (scheme.quotas ?? []).map((q) => ({
      grade: q.grade,
      maxSharePct: pct(q.maxShare)!,
      atLeastOne: q.atLeastOne,
    })),
    tieBreak: scheme.tieBreak,
    consequenceRules: v.rules.consequenceRules,
  };
}

/** Drops empty optional fields, so the API sees absent rather than null. */
const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined && x !== null && x !== '')) as T;

export function fromForm(f: FormValues) {
  return {
    rules: {
      trimEachSide: f.trimEachSide,
      minRaters: f.minRaters,
      unitShareForCadres: f.unitSharePct / 100,
      annualShareForTerm: f.annualSharePct / 100,
      appealWindowDays: f.appealWindowDays,
      minPublicWeight: f.minPublicWeight,
      minLeafShare: f.minLeafShare,
      missingData: f.missingData,
      consequenceRules: (f.consequenceRules ?? []).map((r) => clean({ ...r, veto: r.veto || undefined })),
    },
    gradeScheme: {
      bands: f.bands,
      quotas: (f.quotas ?? []).map((q) =>
        clean({ grade: q.grade, maxShare: q.maxSharePct / 100, atLeastOne: q.atLeastOne || undefined }),
      ),
      tieBreak: f.tieBreak,
    },
    note: f.note?.trim() || undefined,
  };
}
