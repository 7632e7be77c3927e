// The JSON shape of every API error. `code` is stable; `message` is generic and never echoes input.
import { z } from 'zod';

export const apiErrorSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string() }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
