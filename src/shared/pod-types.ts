/**
 * JSON shapes of the pod endpoints (docs/api-pod.md), shared by the Worker
 * and the pod UI (which imports nothing from src/ but src/shared).
 */

/** `POST /api/pod/sessions/*` → 201. The token is a `tp_` bearer token; keep it in memory. */
export interface PodSessionResponse {
  token: string;
  expiresAt: string;
  /** "member:<ConnectWise identifier>" or "user:<email>". */
  actor: string;
  /** A ConnectWise sign-in that sent the pod's context query (`context`): that context, when there is one. */
  context?: PodContextResponse;
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

/** `GET /api/pod/context` → which view the pod opens. */
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

/** `GET /api/v1/agreements/:agreementId/notes` */
export interface LineNoteListResponse {
  notes: LineNoteView[];
}

/** `PUT /api/v1/agreements/:agreementId/notes/:productKey` → 200 `{note}` (null when the note was cleared). */
export interface LineNoteResponse {
  note: LineNoteView | null;
}

/** `POST /api/admin/tenants/:tenantId/users` and `POST /api/v1/users` → 201. */
export interface CreatedUserResponse {
  userId: string;
  tenantId: string;
  email: string;
  displayName: string | null;
}

/** `GET /api/pod/people`: actor ("member:jsmith", "user:a@b.c") → the person's name, for everyone a name is known for. */
export interface PodPeopleResponse {
  names: Record<string, string>;
}
