/**
 * Which agreement or company a pod opens: a ConnectWise `[cw_id]` on an
 * agreement or company screen, an Autotask contract id, or our own ids. PSA
 * ids are matched through `psa_id` of records synced from that PSA (plus
 * `demo` records, so the seeded demo tenant works in every view).
 */
import { screenKind } from "../../core/pod/member-auth.ts";
import type { Db } from "../../db/client.ts";
import {
  hasAgreementsOf,
  findAgreementsByPsaId,
  findCompaniesByPsaId,
  findCompanyById,
  findPsaIntegrationForPod,
  listCompanyAgreements,
} from "../../db/repos/pod-context.ts";
import { findAgreement } from "../../db/repos/snapshot.ts";
import { AppError } from "../../errors.ts";
import type { PodAgreementSummary, PodContextResponse } from "../../shared/pod-types.ts";

export type ContextQuery =
  | { by: "connectwise"; integrationId: string; screen: string; id: string }
  | { by: "contract"; contractId: string }
  | { by: "agreement"; agreementId: string }
  | { by: "company"; companyId: string };

function summarize(a: { id: string; name: string; psaId: string; cancelled: boolean }): PodAgreementSummary {
  return { id: a.id, name: a.name, psaId: a.psaId, cancelled: a.cancelled };
}

export async function resolvePodContext(db: Db, tenantId: string, query: ContextQuery): Promise<PodContextResponse> {
  switch (query.by) {
    case "agreement":
      return agreementContext(db, tenantId, query.agreementId);
    case "company":
      return companyContext(db, tenantId, query.companyId);
    case "contract":
      return agreementByPsaId(db, tenantId, ["autotask", "demo"], query.contractId);
    case "connectwise":
      return connectWiseContext(db, tenantId, query);
  }
}

async function connectWiseContext(db: Db, tenantId: string, query: { integrationId: string; screen: string; id: string }) {
  const integration = await findPsaIntegrationForPod(db, query.integrationId);
  if (!integration || integration.tenantId !== tenantId) throw new AppError("not_found", "PSA integration not found");
  const kind = screenKind(query.screen);
  const psas = [integration.kind, "demo"];
  if (kind === "agreement") return agreementByPsaId(db, tenantId, psas, query.id);
  if (kind === "company") {
    const companies = await findCompaniesByPsaId(db, tenantId, psas, query.id);
    const company = companies.find((c) => c.psa === integration.kind) ?? companies[0];
    if (!company) throw new AppError("not_found", `No ${integration.kind === "connectwise" ? "ConnectWise " : ""}company with id ${query.id}: it is not in the last sync from the PSA (check the id, or sync again)`);
    return companyContext(db, tenantId, company.id);
  }
  throw new AppError("validation_failed", `query.screen: the pod supports the agreement and company screens, not "${query.screen}"`);
}

async function agreementByPsaId(db: Db, tenantId: string, psas: string[], psaId: string): Promise<PodContextResponse> {
  const found = await findAgreementsByPsaId(db, tenantId, psas, psaId);
  // Prefer the real PSA's record over demo data with the same id.
  const agreement = [...found].sort((a, b) => psas.indexOf(a.psa) - psas.indexOf(b.psa))[0];
  if (!agreement) throw new AppError("not_found", await notFoundReason(db, tenantId, psas, psaId));
  return agreementContext(db, tenantId, agreement.id);
}

const PSA_NAMES: Record<string, string> = { connectwise: "ConnectWise agreement", autotask: "Autotask contract", demo: "demo agreement" };

/**
 * Say what is true when a PSA id finds nothing (issue 9 §2): the id belongs to the
 * other PSA (e.g. `?contractId=` — an Autotask contract id — on a ConnectWise tenant),
 * or the tenant has no agreement of that PSA at all, or this one is not synced yet.
 */
async function notFoundReason(db: Db, tenantId: string, psas: string[], psaId: string): Promise<string> {
  const wanted = PSA_NAMES[psas[0] ?? ""] ?? "agreement";
  const elsewhere = (await findAgreementsByPsaId(db, tenantId, Object.keys(PSA_NAMES), psaId)).find((a) => !psas.includes(a.psa));
  if (elsewhere) return `${psaId} is a ${PSA_NAMES[elsewhere.psa] ?? elsewhere.psa} ("${elsewhere.name}"), not an ${wanted}: open the pod from that PSA's screen`;
  if (!(await hasAgreementsOf(db, tenantId, psas))) return `This account has no ${wanted}s: its PSA connection is not of that kind, or has not synced yet`;
  return `No ${wanted} with id ${psaId}: it is not in the last sync from the PSA (check the id, or sync again)`;
}

async function agreementContext(db: Db, tenantId: string, agreementId: string): Promise<PodContextResponse> {
  const agreement = await findAgreement(db, tenantId, agreementId);
  if (!agreement) throw new AppError("not_found", "Agreement not found");
  const company = await findCompanyById(db, tenantId, agreement.companyId);
  return {
    kind: "agreement",
    agreement: summarize(agreement),
    company: { id: agreement.companyId, name: company?.name ?? "" },
  };
}

async function companyContext(db: Db, tenantId: string, companyId: string): Promise<PodContextResponse> {
  const company = await findCompanyById(db, tenantId, companyId);
  if (!company) throw new AppError("not_found", "Company not found");
  const agreements = await listCompanyAgreements(db, tenantId, company.id);
  return { kind: "company", company: { id: company.id, name: company.name }, agreements: agreements.map(summarize) };
}
