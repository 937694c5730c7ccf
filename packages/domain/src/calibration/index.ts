/** Raters' calibration 评分校准: how far a trainee's scores are from the panel's. */
export * from './feedback';
