/**
 * Recorded-shape Liongard metric values: rows of `POST /api/v2/metrics/evaluate`
 * (one per system: SystemID, EnvironmentID/Name, Value), for two metrics an
 * MSP bills on. Environment 303 has a system whose inspection failed (null).
 */
export interface MetricRow {
  MetricID: number;
  MetricUUID: string;
  SystemID: number;
  SystemName: string;
  EnvironmentID: number;
  EnvironmentName: string;
  Value: number | string | null;
  EvaluatedOn: string;
}

export const METRICS = {
  users: { id: 3101, uuid: "7d1c0b2a-1111-4e5f-9a8b-0c1d2e3f4a5b", name: "Gradient - Licensed M365 Users" },
  devices: { id: 3102, uuid: "7d1c0b2a-2222-4e5f-9a8b-0c1d2e3f4a5b", name: "Gradient - Managed Firewalls" },
};

function row(metric: { id: number; uuid: string }, system: number, env: number, envName: string, value: MetricRow["Value"]): MetricRow {
  return {
    MetricID: metric.id, MetricUUID: metric.uuid, SystemID: system, SystemName: `system-${system}`, EnvironmentID: env, EnvironmentName: envName,
    Value: value, EvaluatedOn: "2026-06-05T02:15:00Z",
  };
}

export const METRIC_ROWS: MetricRow[] = [
  row(METRICS.users, 9001, 101, "Contoso Pharmaceuticals", 42),
  row(METRICS.users, 9002, 101, "Contoso Pharmaceuticals", 3),
  row(METRICS.users, 9003, 202, "Tailspin Toys", 17),
  row(METRICS.users, 9004, 303, "Wingtip", 8),
  row(METRICS.users, 9005, 303, "Wingtip", null),
  row(METRICS.devices, 9101, 101, "Contoso Pharmaceuticals", 2),
  row(METRICS.devices, 9102, 202, "Tailspin Toys", 1),
];
