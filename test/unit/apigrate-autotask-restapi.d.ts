/** The part of @apigrate/autotask-restapi 2.0.1 (plain JS, no types) the simulator test uses. */
declare module "@apigrate/autotask-restapi" {
  export interface EntityApi {
    query(search: unknown): Promise<any>;
    count(search: unknown): Promise<any>;
    get(id: number | string): Promise<any>;
    create(...args: unknown[]): Promise<any>;
    delete(...args: unknown[]): Promise<any>;
    fieldInfo(): Promise<any>;
  }
  export class AutotaskRestApi {
    constructor(user: string, secret: string, code: string, options?: { base_url?: string; version?: string });
    zoneInfo: { url: string } | null;
    _fetch(method: string, endpoint: string, query?: Record<string, string> | null, payload?: unknown, opts?: { omit_credentials?: boolean }): Promise<any>;
    [entity: string]: EntityApi | unknown;
  }
  export class AutotaskApiError extends Error {
    status: number;
    details: unknown;
  }
}
