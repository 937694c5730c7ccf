import type { CalibrationCaseBody } from '@perfcommons/contracts';
import type { Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import { getCycle } from '../../cycles/service';
import { insertCase } from './shared';

/** A reference case written by the office, with the panel's scores. */
export async function createCalibrationCase(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  body: CalibrationCaseBody,
) {
  const a = requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  return insertCase(
    db,
    a,
    cycleId,
    {
      title: body.title,
      titleEn: body.titleEn || null,
      indicatorName: body.indicatorName,
      indicatorNameEn: body.indicatorNameEn || null,
      description: body.description,
      descriptionEn: body.descriptionEn || null,
      rubric: body.rubric,
      panelScores: body.panelScores,
      source: 'office',
    },
    'calibration_case.create',
  );
}
