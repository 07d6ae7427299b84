import type { D1Migration } from "@cloudflare/vitest-plugin";
import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** Second local D1 of the workers project (vitest.config.ts). */
      DB_SHARD_2: D1Database;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index.ts");
    }
  }
}
