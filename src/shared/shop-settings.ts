/* The shop settings' representation, the same for GET and PATCH /api/shop/settings. */
import { z } from 'zod';

export const shopSettingsSchema = z.object({
  time_zone: z.string().describe('The IANA zone the shop’s days, weeks and months are counted in'),
  currency: z.string().describe('The currency prices are recorded in (EUR)'),
});

export type ShopSettingsDto = z.infer<typeof shopSettingsSchema>;
