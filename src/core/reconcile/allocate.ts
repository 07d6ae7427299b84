/**
 * Allocation: turns latest vendor counts into row drafts keyed by
 * (agreement, product), next to the drafts PSA lines already create.
 *
 * One source (a latest count of an account's service) feeds every product its
 * service is mapped to; within the mapped company it lands on the pinned
 * agreement, else the agreement carrying most of the product, else the
 * company's only agreement, else on the company itself (agreement unknown).
 */
import type { LatestCount } from "./latest-counts.ts";
import { addQuantities, type Quantity } from "./quantity.ts";
import type { ProductLines, TenantIndex } from "./tenant-index.ts";
import type { AccountMappingInput, AgreementInput } from "./types.ts";

/** A mapped (agreement or company, product) row before statuses and money. */
export interface RowDraft {
  key: string;
  companyId: string;
  agreement: AgreementInput | null;
  productKey: string;
  /** Counted lines of the product on the agreement; null when there are none. */
  group: ProductLines | null;
  sources: LatestCount[];
  /** Sum of the sources' quantities; null when no source was allocated. */
  vendor: Quantity | null;
}

export interface UnmappedDraft {
  key: string;
  status: "unmapped-account" | "unmapped-service";
  companyId: string | null;
  source: LatestCount;
}

export interface Drafts {
  rows: RowDraft[];
  unmapped: UnmappedDraft[];
}

export function draftRows(index: TenantIndex, latest: readonly LatestCount[]): Drafts {
  const drafts: DraftBook = { rows: [], byAgreement: new Map(), byCompany: new Map() };
  for (const [agreementId, products] of index.productLines) {
    const agreement = index.countingAgreements.get(agreementId);
    if (!agreement) continue;
    for (const group of products.values()) {
      const draft = newDraft(agreement, agreement.companyId, group.productKey);
      draft.group = group;
      addDraft(drafts, agreement, agreement.companyId, draft);
    }
  }
  const unmapped: UnmappedDraft[] = [];
  for (const source of latest) {
    const { accountId, serviceId } = source.count;
    const mapping = index.accountMappings.get(accountId);
    const products = index.serviceProducts.get(serviceId);
    if (!mapping) {
      unmapped.push({ key: `acct:${accountId}:${serviceId}`, status: "unmapped-account", companyId: null, source });
    } else if (!products || products.length === 0) {
      unmapped.push({ key: `svc:${accountId}:${serviceId}`, status: "unmapped-service", companyId: mapping.companyId, source });
    } else {
      for (const productKey of products) allocateSource(drafts, index, mapping, productKey, source);
    }
  }
  return { rows: drafts.rows, unmapped };
}

/** Drafts in creation order, plus lookups by owner then product (so no key strings are built per lookup). */
interface DraftBook {
  rows: RowDraft[];
  byAgreement: Map<string, Map<string, RowDraft>>;
  byCompany: Map<string, Map<string, RowDraft>>;
}

function allocateSource(drafts: DraftBook, index: TenantIndex, mapping: AccountMappingInput, productKey: string, source: LatestCount): void {
  const agreement = chooseAgreement(index, mapping, productKey);
  let draft = ownerTable(drafts, agreement, mapping.companyId).get(productKey);
  if (!draft) {
    draft = newDraft(agreement, mapping.companyId, productKey);
    addDraft(drafts, agreement, mapping.companyId, draft);
  }
  draft.sources.push(source);
  draft.vendor = draft.vendor === null ? source.quantity : addQuantities(draft.vendor, source.quantity);
}

function addDraft(drafts: DraftBook, agreement: AgreementInput | null, companyId: string, draft: RowDraft): void {
  ownerTable(drafts, agreement, companyId).set(draft.productKey, draft);
  drafts.rows.push(draft);
}

function ownerTable(drafts: DraftBook, agreement: AgreementInput | null, companyId: string): Map<string, RowDraft> {
  const table = agreement ? drafts.byAgreement : drafts.byCompany;
  const owner = agreement ? agreement.id : companyId;
  let products = table.get(owner);
  if (!products) table.set(owner, (products = new Map()));
  return products;
}

function newDraft(agreement: AgreementInput | null, companyId: string, productKey: string): RowDraft {
  const key = agreement ? `agr:${agreement.id}:${productKey}` : `co:${companyId}:${productKey}`;
  return { key, companyId: agreement?.companyId ?? companyId, agreement, productKey, group: null, sources: [], vendor: null };
}

/**
 * A pin only holds while the pinned agreement counts and belongs to the mapped
 * company; otherwise usage would silently vanish or bill another customer, so
 * it falls back to the unpinned choice.
 */
export function chooseAgreement(index: TenantIndex, mapping: AccountMappingInput, productKey: string): AgreementInput | null {
  if (mapping.agreementId !== null) {
    const pinned = index.countingAgreements.get(mapping.agreementId);
    if (pinned && pinned.companyId === mapping.companyId) return pinned;
  }
  const carrier = index.carriers.get(mapping.companyId)?.get(productKey);
  if (carrier) return carrier;
  const counting = index.countingByCompany.get(mapping.companyId);
  return counting && counting.length === 1 ? (counting[0] ?? null) : null;
}
