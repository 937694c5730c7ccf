/** The survey use cases, one a file; shared internals (loading, the questionnaire check, shapes) in ./shared. */
export * from './close-fielding';
export * from './create-survey';
export * from './draw-sample';
export * from './fieldwork';
export * from './get-sample';
export * from './get-survey';
export * from './issue-invitations';
export * from './list-invitations';
export * from './list-surveys';
export * from './list-versions';
export * from './regenerate-invitations';
export * from './sample-size';
export * from './save-questionnaire';
export * from './start-fielding';
export * from './store-frame';
export * from './update-survey';
