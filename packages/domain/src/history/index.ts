/** Performance database 绩效数据库: peer quartiles, best performers, trends, year-over-year change. */
export * from './benchmark';
