import { describe, expect, it } from 'vitest';
import {
  checkQuestionnaire,
  isVisible,
  scaleAnswer,
  scaleItems,
  validateAnswers,
  type Questionnaire,
} from './questionnaire';

const def: Questionnaire = {
  sections: [
    {
      id: 's1',
      title: '基本情况',
      questions: [
        {
          id: 'used',
          type: 'single',
          text: '过去一年是否办理过业务？',
          required: true,
          options: [
            { value: 'yes', label: '是' },
            { value: 'no', label: '否' },
          ],
        },
        {
          id: 'sat',
          type: 'likert5',
          text: '总体满意度',
          required: true,
          planId: 'p1',
          dimension: 'service',
          showIf: { questionId: 'used', in: ['yes'] },
        },
        {
          id: 'm',
          type: 'matrix',
          text: '各部门',
          required: true,
          scale: 7,
          dimension: 'service',
          items: [
            { id: 'edu', text: '教育', planId: 'p2' },
            { id: 'hea', text: '卫健', planId: 'p3', dimension: 'quality' },
          ],
        },
        { id: 'why', type: 'text', text: '建议', maxLength: 10 },
      ],
    },
  ],
};

describe('questionnaire', () => {
  it('accepts a well-formed definition and names every structural problem', () => {
    expect(checkQuestionnaire(def)).toEqual([]);
    const bad: Questionnaire = {
      sections: [
        {
          id: 's',
          title: 's',
          questions: [
            {
              id: 'a',
              type: 'single',
              text: 'a',
              options: [{ value: 'x', label: 'x' }],
              showIf: { questionId: 'b', in: ['1'] },
            },
            { id: 'a', type: 'likert5', text: 'b' },
          ],
        },
      ],
    };
    expect(checkQuestionnaire(bad).map((p) => p.path)).toEqual([
      'definition.sections.0.questions.0.options',
      'definition.sections.0.questions.0.showIf.questionId',
      'definition.sections.0.questions.1.id',
    ]);
  });

  it('show-if hides a question until the earlier answer matches', () => {
    expect(isVisible(def, 'sat', {})).toBe(false);
    expect(isVisible(def, 'sat', { used: 'yes' })).toBe(true);
    expect(isVisible(def, 'sat', { used: 'no' })).toBe(false);
  });

  it('validates complete and partial answers', () => {
    const ok = { used: 'yes', sat: 4, m: { edu: 7, hea: 1 }, why: '很好' };
    expect(validateAnswers(def, ok, { complete: true })).toEqual([]);
    expect(validateAnswers(def, { used: 'no', m: { edu: 3, hea: 3 } }, { complete: true })).toEqual([]);
    expect(validateAnswers(def, { used: 'yes' }, { complete: false })).toEqual([]);
    expect(validateAnswers(def, { used: 'yes', m: { edu: 2 } }, { complete: true })).toEqual([
      { path: 'answers.sat', message: 'required' },
      { path: 'answers.m.hea', message: 'required' },
    ]);
    expect(
      validateAnswers(
        def,
        { used: 'no', sat: 3, m: { edu: 8, hea: 1 }, why: 'x'.repeat(11), zz: 1 },
        { complete: true },
      ).map((p) => p.path),
    ).toEqual(['answers.zz', 'answers.sat', 'answers.m', 'answers.why']);
  });

  it('lists scale items with their plan and dimension mapping', () => {
    const items = scaleItems(def);
    expect(items.map((i) => [i.key, i.points, i.planId, i.dimension])).toEqual([
      ['sat', 5, 'p1', 'service'],
      ['m.edu', 7, 'p2', 'service'],
      ['m.hea', 7, 'p3', 'quality'],
    ]);
    expect(scaleAnswer(items[1], { m: { edu: 6 } })).toBe(6);
    expect(scaleAnswer(items[0], {})).toBeNull();
  });
});
