/** Surveys 问卷调查: sampling, weighting, estimates, reliability and open-text keywords. */
export * from './reliability';
export * from './sampling';
export * from './weighting';
export * from './estimates';
export * from './text';
export * from './questionnaire';
export * from './design';
export * from './chisq';
export * from './aapor';
export * from './nonresponse';
export * from './replicates';
export * from './labels';
