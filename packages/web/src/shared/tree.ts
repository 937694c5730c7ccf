/**
 * Indicator-tree and breakdown shapes as the API sends them. The authoritative types live in
 * @perfcommons/domain; these loose views let read-only pages render whatever fields are present.
 */

export interface SubjectWeight {
  type: string;
  weight: number;
}

export interface RuleView {
  type: string;
  baseline?: number | null;
  target?: number | null;
  cap?: number | null;
  direction?: string | null;
  bands?: { min?: number | null; max?: number | null; score: number }[];
  [k: string]: unknown;
}

export interface TreeNodeView {
  code: string;
  name: string;
  nameEn?: string | null;
  weight: number;
  kind?: string | null;
  unit?: string | null;
  target?: number | null;
  baseline?: number | null;
  direction?: string | null;
  dataSource?: string | null;
  rule?: RuleView | null;
  subjects?: SubjectWeight[] | null;
  children?: TreeNodeView[];
}

export interface BreakdownView {
  code?: string;
  name?: string;
  nameEn?: string | null;
  weight?: number | null;
  attainment?: number | null;
  score?: number | null;
  contribution?: number | null;
  value?: number | null;
  target?: number | null;
  baseline?: number | null;
  kind?: string | null;
  subjects?: {
    type?: string;
    subjectType?: string;
    weight?: number;
    score?: number | null;
    count?: number;
  }[];
  notes?: string[];
  veto?: unknown;
  children?: BreakdownView[];
  [k: string]: unknown;
}

export function nodeName(lang: string, n: { name?: string; nameEn?: string | null; code?: string }): string {
  if (lang === 'en' && n.nameEn) return n.nameEn;
  return n.name ?? n.code ?? '';
}
