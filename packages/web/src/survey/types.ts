import type { InvitationPageReply, OpenSurveyReply } from '@perfcommons/contracts';

/** What the answering page shows of a survey: from an invitation, or an open survey with its profile fields. */
export type SurveyInfo = InvitationPageReply['survey'] &
  Partial<Pick<OpenSurveyReply['survey'], 'strataFields'>>;
