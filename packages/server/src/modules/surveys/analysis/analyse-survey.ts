import type { Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import type { AnalysisOptions } from './options';
import { loadSurvey } from '../use-cases/shared';
import { computeAnalysis } from './compute';

export async function analyseSurvey(db: Db, actor: Actor | null, id: string, opts: AnalysisOptions) {
  requireOffice(actor, 'Survey analysis');
  return computeAnalysis(db, await loadSurvey(db, id), opts);
}
