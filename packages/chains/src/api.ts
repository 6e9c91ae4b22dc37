import { z } from 'zod'

/**
 * What one HTTP client may ask of the node's API. Every field is optional; the API's defaults (in parentheses)
 * apply to those left out.
 */
export const apiSchema = z.strictObject({
  /** interface the API listens on: `0.0.0.0` (or `::`) for every interface (127.0.0.1; `--hostname` overrides) */
  hostname: z.string().min(1).optional(),
  /**
   * origins browser apps may call the API from (CORS), scheme and host as the browser sends them
   * (`https://app.example.org`), or `*` for any; `--cors-origin` adds to them (none)
   */
  corsOrigins: z
    .array(z.string().refine((v) => v === '*' || /^https?:\/\/[^/\s]+$/.test(v), 'must be `*` or an origin such as https://app.example.org (no path)'))
    .optional(),
  /** largest request body, bytes; a larger one is refused with 413 before it is read (65536) */
  bodyLimitBytes: z.number().int().positive().optional(),
  rateLimit: z
    .strictObject({
      /** the window the limits count over, ms (60000) */
      windowMs: z.number().int().positive().optional(),
      /** requests per window and client (IP, or API key) to `/v1` routes (1200) */
      limit: z.number().int().positive().optional(),
      /** what-ifs per window and client (30) */
      whatIfLimit: z.number().int().positive().optional(),
      /** the header a client names its API key in (`x-api-key`) */
      apiKeyHeader: z.string().min(1).optional(),
      /** API keys counted on their own instead of by client IP; an unknown key is refused with 401 (none) */
      apiKeys: z.array(z.string().min(16, 'must be at least 16 characters')).optional(),
    })
    .optional(),
  whatIf: z
    .strictObject({
      /** ms a what-if may take, waiting for a thread included, before it is answered 503 (5000) */
      timeoutMs: z.number().int().positive().optional(),
      /** worker threads computing what-ifs (cores − 1, at least 1; also the ceiling) */
      maxThreads: z.number().int().positive().optional(),
      /** what-ifs that may wait for a busy thread; one more is answered 503 (64) */
      maxQueue: z.number().int().min(0).optional(),
    })
    .optional(),
  /** account views kept in memory, answered without a database read until a change notification makes them stale */
  views: z
    .strictObject({
      /** views kept at most, the least recently computed dropped first (100000) */
      maxEntries: z.number().int().positive().optional(),
      /**
       * accounts whose views are computed at start and again after each price change, the most recently active
       * first (10000; 0 for none): their first reads are then served from memory too
       */
      warm: z.number().int().min(0).optional(),
      /** ms after which a kept view is recomputed in the background, for what moves without a notification (5000) */
      maxAgeMs: z.number().int().positive().optional(),
      /**
       * such background recomputations started per second at most (50): under a read load over more accounts than
       * that, views' parts that move without a notification of the account can be older than `maxAgeMs`
       */
      refreshPerSecond: z.number().positive().optional(),
      /** ms past which a kept view is computed again before it is answered, whatever the budget (600000) */
      maxStaleMs: z.number().int().positive().optional(),
    })
    .optional(),
})

export type ApiConfig = z.output<typeof apiSchema>
