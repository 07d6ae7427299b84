/** Tables of the usage-ingestion surface (migration 0003). */
export {};
