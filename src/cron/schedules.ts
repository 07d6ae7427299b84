/** The Cron Triggers of wrangler.toml (UTC), named; a leaf module so every surface's cron can import it. */
export const CRONS = {
  /** Every 15 minutes: incremental PSA sync. */
  quarterHour: "*/15 * * * *",
  /** Nightly: full PSA sync; vendor pulls whose sync day is today. */
  nightly: "0 3 * * *",
} as const;
