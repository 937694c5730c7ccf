import { z } from 'zod';

/** The channels a user receives notifications on (their own choice; e-mail and SMS need consent). */
export const NotificationChannelsBody = z.object({
  /** In the platform (the bell in the console). */
  inApp: z.boolean(),
  /** By e-mail, to the account's address. */
  email: z.boolean(),
  /** By SMS, to the account's mobile number. */
  sms: z.boolean(),
});
export type NotificationChannels = z.infer<typeof NotificationChannelsBody>;

export const NotificationSettings = NotificationChannelsBody.extend({
  /** The account has an e-mail address. */
  emailAddress: z.boolean(),
  /** The account has a mobile number. */
  smsNumber: z.boolean(),
  /** The platform sends e-mail (SMTP configured by the operator). */
  emailConfigured: z.boolean(),
  /** The platform sends SMS (a gateway configured by the operator). */
  smsConfigured: z.boolean(),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
