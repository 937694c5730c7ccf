import type { Same } from '../../i18n';

export const zh = {
  title: '通知方式',
  intro: '选择接收提醒、预警、整改任务和计划调整等通知的方式。',
  inApp: '平台内消息',
  email: '电子邮件',
  sms: '短信',
  noEmail: '账号未登记电子邮箱',
  noPhone: '账号未登记手机号码',
  emailOff: '平台未配置邮件发送',
  smsOff: '平台未配置短信发送',
  consent: '开启邮件或短信即表示同意平台向登记的地址发送通知。',
  save: '保存',
  saved: '通知方式已保存',
};

export const en: Same<typeof zh> = {
  title: 'Notification channels',
  intro: 'Choose how you receive reminders, warnings, correction tasks and plan revisions.',
  inApp: 'In the platform',
  email: 'E-mail',
  sms: 'SMS',
  noEmail: 'No e-mail address on the account',
  noPhone: 'No mobile number on the account',
  emailOff: 'The platform does not send e-mail',
  smsOff: 'The platform does not send SMS',
  consent: 'Turning on e-mail or SMS means you agree to receive notifications at the registered address.',
  save: 'Save',
  saved: 'Notification channels saved',
};
