/** Public text submissions: a burst per participant (or address) is refused with 429, keeping floods out. */
export const submitLimit = {
  rateLimit: {
    max: 30,
    timeWindow: '1 minute',
    keyGenerator: (req: { actor: { id: string } | null; ip: string }) => req.actor?.id ?? req.ip,
  },
};
