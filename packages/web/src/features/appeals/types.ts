/** Shapes of the appeals API (packages/server/src/modules/appeals). */

export type { Appeal, AppealRevision, ScoreSnapshot } from '@perfcommons/contracts';
