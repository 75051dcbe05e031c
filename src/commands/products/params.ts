/* Path parameters of the product routes. */
import { z } from 'zod';

export const productIdParams = z.object({ id: z.string().describe('Product id (uuid)') });
export const productImageParams = z.object({ id: z.string().describe('Product id (uuid)'), image_id: z.string().describe('Image id (uuid)') });
