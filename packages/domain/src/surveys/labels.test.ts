import { describe, expect, it } from 'vitest';
import { labelStrata, readableCode, valueLabel } from './labels';

describe('stratum labels', () => {
  const orgUnits = { bs: { label: '北山区', labelEn: 'Beishan District' } };

  it('labels the demo stratum business|bs|rural without showing a code', () => {
    const l = labelStrata(['respondentType', 'district', 'area'], ['business|bs|rural'], { orgUnits });
    expect(l.strata['business|bs|rural']).toEqual({
      label: '个体工商户 · 北山区 · 农村',
      labelEn: 'individual business · Beishan District · rural',
    });
    expect(l.fields).toEqual({
      respondentType: { label: '受访者类型', labelEn: 'respondent type' },
      district: { label: '区县', labelEn: 'district' },
      area: { label: '城乡', labelEn: 'area' },
    });
  });

  it("prefers the survey's own labels, then org units, then the dictionary, then readable text", () => {
    const definition = {
      area: {
        label: '居住地',
        labelEn: 'residence',
        values: { rural: { label: '乡村', labelEn: 'village' } },
      },
      district: { values: { bs: { label: '北山' } } },
    };
    expect(valueLabel('area', 'rural', { definition, orgUnits })).toEqual({
      label: '乡村',
      labelEn: 'village',
    });
    expect(valueLabel('district', 'bs', { definition, orgUnits })).toEqual({
      label: '北山',
      labelEn: '北山',
    });
    expect(valueLabel('district', 'bs', { orgUnits })).toEqual(orgUnits.bs);
    expect(valueLabel('area', 'urban')).toEqual({ label: '城镇', labelEn: 'urban' });
    expect(valueLabel('x', 'small_firm')).toEqual({ label: 'small firm', labelEn: 'small firm' });
    const l = labelStrata(['area', 'incomeBand'], ['rural|high-income'], { definition });
    expect(l.fields.area).toEqual({ label: '居住地', labelEn: 'residence' });
    expect(l.fields.incomeBand).toEqual({ label: 'income band', labelEn: 'income band' });
    expect(l.strata['rural|high-income'].label).toBe('乡村 · high income');
    for (const s of Object.values(l.strata)) expect(s.label).not.toContain('|');
  });

  it('makes readable text from codes', () => {
    expect(readableCode('respondentType')).toBe('respondent type');
    expect(readableCode('non_contact')).toBe('non contact');
    expect(readableCode('A1')).toBe('a1');
    expect(readableCode('城区')).toBe('城区');
  });
});
