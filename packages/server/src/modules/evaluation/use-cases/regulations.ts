import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { DEFAULT_GRADE_SCHEME } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { cycleRuleVersions } from '../../../db/schema';
import { notFound } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { rulesOf } from '../rules';
import { regulationSections } from '../regulations-text';

/** The frozen rules of a cycle, published as its regulations 考核办法. */
export async function regulations(db: Db, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const [v] = await db
    .select()
    .from(cycleRuleVersions)
    .where(and(eq(cycleRuleVersions.cycleId, cycleId), isNotNull(cycleRuleVersions.frozenAt)))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  if (!v) throw notFound('Published regulations');
  // rulesOf fills defaults (missingData: 'incomplete' for versions frozen before that rule existed).
  return {
    cycle: { id: cycle.id, code: cycle.code, name: cycle.name, nameEn: cycle.nameEn },
    version: v.version,
    frozenAt: v.frozenAt!,
    rules: rulesOf(v.rules),
    // The scheme the computation grades with (the domain default when the version stores none).
    gradeScheme: v.gradeScheme ?? DEFAULT_GRADE_SCHEME,
    // Every rule in words, generated from these rule objects (regulations-text.ts).
    text: {
      'zh-CN': regulationSections(rulesOf(v.rules), v.gradeScheme ?? DEFAULT_GRADE_SCHEME, cycle.type, 'zh'),
      en: regulationSections(rulesOf(v.rules), v.gradeScheme ?? DEFAULT_GRADE_SCHEME, cycle.type, 'en'),
    },
  };
}
