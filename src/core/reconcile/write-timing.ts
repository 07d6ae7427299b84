/** The write-timing rule lives in src/shared (the pod uses it too); the engine reads it from there. */
export * from "../../shared/write-timing.ts";
