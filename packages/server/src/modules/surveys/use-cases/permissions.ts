/**
 * The survey rules by status, one predicate each: the use cases refuse with them (409) and
 * `surveyPermissions` sends them with the survey detail as `can`, so the web never re-implements them.
 */
import type { SurveyRow, VersionRow } from './shared';

type Status = Pick<SurveyRow, 'status'>;

/** The questionnaire is saved as a new version only in draft, before fielding froze the latest one. */
export const canEditQuestionnaire = (s: Status, latest: Pick<VersionRow, 'frozenAt'> | null | undefined) =>
  s.status === 'draft' && !latest?.frozenAt;
/** The sampling frame changes only in draft, before a sample is drawn. */
export const canChangeFrame = (s: Status, hasSample: boolean) => s.status === 'draft' && !hasSample;
/** The sample is drawn (or redrawn) before fielding. */
export const canDrawSample = (s: Status) => s.status === 'draft';
/** Invitations are issued (and links regenerated) until fieldwork is over. */
export const canIssueInvitations = (s: Status) => s.status !== 'closed' && s.status !== 'published';
/** Fieldwork starts from a draft. */
export const canStartFielding = (s: Status) => s.status === 'draft';
/** Fieldwork closes while it runs. */
export const canCloseFielding = (s: Status) => s.status === 'fielding';
/** Outcomes of invitations without an answer are recorded during or after fieldwork, before publication. */
export const canRecordOutcomes = (s: Status) => s.status === 'fielding' || s.status === 'closed';
/** Answers (by link, code, interview or in open mode) are taken while the fielded version is open. */
export const acceptsAnswers = (s: { status: string; versionId: string | null }) =>
  s.status === 'fielding' && !!s.versionId;
/** A survey has answers to analyse and export once fielding started (its version fixed). */
export const isFielded = <T extends Pick<SurveyRow, 'fieldedVersionId'>>(
  s: T,
): s is T & { fieldedVersionId: string } => !!s.fieldedVersionId;
/** The report is published (again, with the analysis as of now) once fieldwork is closed. */
export const canPublish = (s: Status) => s.status === 'closed' || s.status === 'published';
/** The portal shows the report of a published survey only. */
export const hasPublicReport = (s: Status) => s.status === 'published';

/** What the office may do with the survey now, as sent with its detail (`can`). */
export function surveyPermissions(
  s: SurveyRow,
  latest: Pick<VersionRow, 'frozenAt'> | null | undefined,
  hasSample: boolean,
) {
  return {
    editQuestionnaire: canEditQuestionnaire(s, latest),
    changeFrame: canChangeFrame(s, hasSample),
    drawSample: canDrawSample(s),
    issueInvitations: canIssueInvitations(s),
    start: canStartFielding(s),
    close: canCloseFielding(s),
    recordOutcomes: canRecordOutcomes(s),
    enterInterviews: acceptsAnswers({ status: s.status, versionId: s.fieldedVersionId }),
    analyse: isFielded(s),
    publish: canPublish(s),
    viewReport: hasPublicReport(s),
  };
}
