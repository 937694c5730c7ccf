/**
 * Questionnaire 问卷 definitions: structure checks, show-if visibility and answer validation.
 * Shared by the server (which refuses bad definitions and answers) and the public survey page
 * (which shows and checks the same questions), so both read one set of rules.
 */
import type { StrataLabels } from './labels';

export const QUESTION_TYPES = [
  'single',
  'multiple',
  'likert5',
  'likert7',
  'rating0to10',
  'matrix',
  'text',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** One choice of a single / multiple question. */
export interface QuestionOption {
  value: string;
  label: string;
  labelEn?: string;
}

/** Links a scale item to an appraisee's plan and a satisfaction dimension (e.g. service, integrity). */
export interface ScaleMapping {
  planId?: string;
  dimension?: string;
}

/** One row of a matrix question: an item on the matrix's Likert scale. */
export interface MatrixItem extends ScaleMapping {
  id: string;
  text: string;
  textEn?: string;
}

/** Show the question only when an earlier question's answer equals one of `in` (or contains it, for multiple). */
export interface ShowIf {
  questionId: string;
  in: (string | number)[];
}

export interface Question extends ScaleMapping {
  id: string;
  type: QuestionType;
  text: string;
  textEn?: string;
  required?: boolean;
  /** single / multiple. */
  options?: QuestionOption[];
  /** matrix. */
  items?: MatrixItem[];
  /** matrix: points of its Likert scale, default 5. */
  scale?: 5 | 7;
  /** text: longest answer, default 2000. */
  maxLength?: number;
  showIf?: ShowIf;
}

export interface Section {
  id: string;
  title: string;
  titleEn?: string;
  questions: Question[];
}

export interface Questionnaire {
  sections: Section[];
  /** Labels of the strata fields and their values, for reports (see `labels.ts`). */
  strataLabels?: StrataLabels;
}

/** An answer: option value, option values, scale point, matrix {itemId: point} or text. */
export type AnswerValue = string | string[] | number | Record<string, number>;
export type Answers = Record<string, AnswerValue>;

export interface QuestionnaireProblem {
  path: string;
  message: string;
}

/** All questions in order of appearance. */
export const allQuestions = (q: Questionnaire): Question[] => q.sections.flatMap((s) => s.questions);

/** Points of a Likert-type question (likert5/likert7/matrix), or null for other types. */
export function likertPoints(q: Question): 5 | 7 | null {
  if (q.type === 'likert5') return 5;
  if (q.type === 'likert7') return 7;
  if (q.type === 'matrix') return q.scale ?? 5;
  return null;
}

/**
 * Structural problems of a definition: unique ids, options where needed, show-if pointing to an
 * earlier question (so answering order never loops), at least one question.
 */
export function checkQuestionnaire(def: Questionnaire): QuestionnaireProblem[] {
  const problems: QuestionnaireProblem[] = [];
  const seen = new Map<string, Question>();
  const sectionIds = new Set<string>();
  let total = 0;
  def.sections.forEach((s, si) => {
    const sp = `definition.sections.${si}`;
    if (sectionIds.has(s.id)) problems.push({ path: `${sp}.id`, message: `duplicate section id ${s.id}` });
    sectionIds.add(s.id);
    s.questions.forEach((q, qi) => {
      total++;
      const p = `${sp}.questions.${qi}`;
      if (seen.has(q.id)) problems.push({ path: `${p}.id`, message: `duplicate question id ${q.id}` });
      if (q.type === 'single' || q.type === 'multiple') {
        const opts = q.options ?? [];
        if (opts.length < 2) problems.push({ path: `${p}.options`, message: 'needs at least 2 options' });
        const values = new Set<string>();
        opts.forEach((o, oi) => {
          if (values.has(o.value))
            problems.push({ path: `${p}.options.${oi}.value`, message: `duplicate option ${o.value}` });
          values.add(o.value);
        });
      }
      if (q.type === 'matrix') {
        const items = q.items ?? [];
        if (items.length < 1) problems.push({ path: `${p}.items`, message: 'needs at least 1 item' });
        const ids = new Set<string>();
        items.forEach((it, ii) => {
          if (ids.has(it.id))
            problems.push({ path: `${p}.items.${ii}.id`, message: `duplicate item ${it.id}` });
          ids.add(it.id);
        });
      }
      if (q.showIf) {
        const target = seen.get(q.showIf.questionId);
        if (!target)
          problems.push({
            path: `${p}.showIf.questionId`,
            message: `${q.showIf.questionId} is not an earlier question`,
          });
        else if (q.showIf.in.length === 0)
          problems.push({ path: `${p}.showIf.in`, message: 'needs at least one value' });
      }
      seen.set(q.id, q);
    });
  });
  if (total === 0) problems.push({ path: 'definition.sections', message: 'needs at least one question' });
  return problems;
}

function matches(answer: AnswerValue | undefined, wanted: (string | number)[]): boolean {
  if (answer === undefined || answer === null) return false;
  const w = wanted.map(String);
  if (Array.isArray(answer)) return answer.some((a) => w.includes(String(a)));
  if (typeof answer === 'object') return false;
  return w.includes(String(answer));
}

/** Whether a question is shown given the answers so far (its show-if target must itself be shown). */
export function isVisible(def: Questionnaire, questionId: string, answers: Answers): boolean {
  return visibleIn(new Map(allQuestions(def).map((q) => [q.id, q])), questionId, answers);
}

/** {@link isVisible} over the questions by id (built once per questionnaire by the caller). */
function visibleIn(byId: Map<string, Question>, questionId: string, answers: Answers): boolean {
  const visible = (id: string, depth: number): boolean => {
    const q = byId.get(id);
    if (!q) return false;
    if (!q.showIf || depth > byId.size) return true;
    return visible(q.showIf.questionId, depth + 1) && matches(answers[q.showIf.questionId], q.showIf.in);
  };
  return visible(questionId, 0);
}

function isEmpty(v: AnswerValue | undefined): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

function checkValue(q: Question, v: AnswerValue, path: string): string | null {
  const intIn = (x: unknown, lo: number, hi: number) =>
    typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  switch (q.type) {
    case 'single':
      return typeof v === 'string' && (q.options ?? []).some((o) => o.value === v)
        ? null
        : `not one of the options`;
    case 'multiple':
      if (!Array.isArray(v)) return 'expected a list of options';
      if (new Set(v).size !== v.length) return 'an option is chosen twice';
      return v.every((x) => (q.options ?? []).some((o) => o.value === x)) ? null : 'not one of the options';
    case 'likert5':
      return intIn(v, 1, 5) ? null : 'expected an integer 1–5';
    case 'likert7':
      return intIn(v, 1, 7) ? null : 'expected an integer 1–7';
    case 'rating0to10':
      return intIn(v, 0, 10) ? null : 'expected an integer 0–10';
    case 'text':
      return typeof v === 'string' && v.length <= (q.maxLength ?? 2000)
        ? null
        : `expected text of at most ${q.maxLength ?? 2000} characters`;
    case 'matrix': {
      if (typeof v !== 'object' || Array.isArray(v)) return 'expected {itemId: point}';
      const ids = new Set((q.items ?? []).map((i) => i.id));
      const pts = q.scale ?? 5;
      for (const [k, x] of Object.entries(v)) {
        if (!ids.has(k)) return `${path}.${k}: no such item`;
        if (!intIn(x, 1, pts)) return `${path}.${k}: expected an integer 1–${pts}`;
      }
      return null;
    }
  }
}

/**
 * Problems of an answer set: unknown questions, bad values, required visible questions left
 * blank (with `complete`), answers to hidden questions. Paths are `answers.<questionId>`.
 * With `complete: false` (saving a partial answer) blanks are allowed.
 */
export function validateAnswers(
  def: Questionnaire,
  answers: Answers,
  options: { complete: boolean },
): QuestionnaireProblem[] {
  const problems: QuestionnaireProblem[] = [];
  const qs = allQuestions(def);
  const byId = new Map(qs.map((q) => [q.id, q]));
  for (const k of Object.keys(answers))
    if (!byId.has(k)) problems.push({ path: `answers.${k}`, message: 'no such question' });
  for (const q of qs) {
    const path = `answers.${q.id}`;
    const v = answers[q.id];
    const shown = visibleIn(byId, q.id, answers);
    if (isEmpty(v)) {
      if (options.complete && shown && q.required) problems.push({ path, message: 'required' });
      continue;
    }
    if (!shown) {
      problems.push({ path, message: 'answered although hidden by its show-if condition' });
      continue;
    }
    const bad = checkValue(q, v, path);
    if (bad) problems.push({ path, message: bad });
    else if (options.complete && q.required && q.type === 'matrix') {
      const missing = (q.items ?? []).filter((i) => (v as Record<string, number>)[i.id] === undefined);
      for (const i of missing) problems.push({ path: `${path}.${i.id}`, message: 'required' });
    }
  }
  return problems;
}

/** A Likert scale item: a likert question or one matrix row, with its mapping. */
export interface ScaleItem extends ScaleMapping {
  /** `q3` for a likert question, `q5.edu` for a matrix row. */
  key: string;
  questionId: string;
  itemId?: string;
  points: 5 | 7;
  text: string;
  textEn?: string;
}

/** Every Likert scale item of a questionnaire (likert5/7 questions and matrix rows). */
export function scaleItems(def: Questionnaire): ScaleItem[] {
  const out: ScaleItem[] = [];
  for (const q of allQuestions(def)) {
    const points = likertPoints(q);
    if (!points) continue;
    if (q.type === 'matrix') {
      for (const it of q.items ?? [])
        out.push({
          key: `${q.id}.${it.id}`,
          questionId: q.id,
          itemId: it.id,
          points,
          text: it.text,
          textEn: it.textEn,
          planId: it.planId ?? q.planId,
          dimension: it.dimension ?? q.dimension,
        });
    } else
      out.push({
        key: q.id,
        questionId: q.id,
        points,
        text: q.text,
        textEn: q.textEn,
        planId: q.planId,
        dimension: q.dimension,
      });
  }
  return out;
}

/** The answer (1..points) of a scale item, or null. */
export function scaleAnswer(item: ScaleItem, answers: Answers): number | null {
  const v = answers[item.questionId];
  if (item.itemId) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    const x = (v as Record<string, number>)[item.itemId];
    return typeof x === 'number' ? x : null;
  }
  return typeof v === 'number' ? v : null;
}
