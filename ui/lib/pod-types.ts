/**
 * Pod endpoint shapes, kept identical to src/services/pod/wire-types.ts (the
 * UI may import nothing from src/ but src/shared/api-types.ts);
 * test/unit/pod-wire-types.test.ts fails the type-check if they drift.
 */

export interface PodSessionResponse {
  token: string;
  expiresAt: string;
  actor: string;
}

export interface PodAgreementSummary {
  id: string;
  name: string;
  psaId: string;
  cancelled: boolean;
}

export interface PodCompanySummary {
  id: string;
  name: string;
}

export type PodContextResponse =
  | { kind: "agreement"; agreement: PodAgreementSummary; company: PodCompanySummary }
  | { kind: "company"; company: PodCompanySummary; agreements: PodAgreementSummary[] };

export interface LineNoteView {
  agreementId: string;
  productKey: string;
  note: string;
  updatedBy: string;
  updatedAt: string;
}

export interface LineNoteListResponse {
  notes: LineNoteView[];
}

export interface LineNoteResponse {
  note: LineNoteView | null;
}

export interface CreatedUserResponse {
  userId: string;
  tenantId: string;
  email: string;
  displayName: string | null;
}
