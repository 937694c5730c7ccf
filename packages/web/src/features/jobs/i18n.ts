import type { Same } from '../../i18n';

export const zh = {
  state: {
    queued: '排队中',
    active: '进行中',
    retry: '失败，等待重试',
    completed: '已完成',
    failed: '失败',
  },
  step: {
    reading: '读取数据',
    scoring: '计算得分',
    ranking: '排名与定等',
    writing: '写入结果',
    consequences: '结果运用',
    importing: '逐行检查并写入',
    checking: '检查数据',
    bundle: '生成开放数据包',
    storing: '保存文件',
    sweeping: '逐个周期检查',
    done: '完成',
  },
  attempt: '第 {{n}}/{{max}} 次尝试',
  failed: '任务失败：{{message}}',
  download: '下载文件（保留 24 小时）',
};

export const en: Same<typeof zh> = {
  state: {
    queued: 'Queued',
    active: 'Running',
    retry: 'Failed, waiting to retry',
    completed: 'Completed',
    failed: 'Failed',
  },
  step: {
    reading: 'Reading data',
    scoring: 'Scoring',
    ranking: 'Ranking and grading',
    writing: 'Writing results',
    consequences: 'Applying consequences',
    importing: 'Checking and writing rows',
    checking: 'Checking the rows',
    bundle: 'Building the open data bundle',
    storing: 'Storing the file',
    sweeping: 'Sweeping cycle by cycle',
    done: 'Done',
  },
  attempt: 'Attempt {{n}} of {{max}}',
  failed: 'The job failed: {{message}}',
  download: 'Download the file (kept 24 hours)',
};
