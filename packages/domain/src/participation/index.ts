/** Participation 公众参与: stakeholder relevance, clustering of needs and comments, pool warnings. */
export * from './relevance';
export * from './cluster';
export * from './warnings';
