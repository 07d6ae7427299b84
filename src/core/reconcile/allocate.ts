/**
 * Allocation: turns latest vendor counts into row drafts keyed by
 * (agreement, product), next to the drafts PSA lines already create.
 *
 * One source (a latest count of an account's service) feeds every product its
 * service is mapped to, within the account's mapped company:
 * - pinned to a counting agreement of that company → that agreement alone;
 * - else, when the company carries the product on counting agreements, the
 *   company's usage of the product is compared with the company's PSA total
 *   for it (see `settlePool`): one pool per (company, product);
 * - else the company's only counting agreement, else the company itself
 *   (row `co:{company}:{product}`: the agreement to add the line to is open).
 */
import { applyCountRule, type CountRule, isDefaultRule, splitCount } from "./count-rules.ts";
import type { LatestCount } from "./latest-counts.ts";
import { compareIds } from "./order.ts";
import { addQuantities, compareQuantities, parseQuantity, subtractQuantities, signOfQuantity, type Quantity } from "./quantity.ts";
import type { ProductLines, ProductMapping, TenantIndex } from "./tenant-index.ts";
import type { AccountMappingInput, AgreementInput, LineInput } from "./types.ts";

/** A mapped (agreement or company, product) row before statuses and money. */
export interface RowDraft {
  key: string;
  companyId: string;
  agreement: AgreementInput | null;
  productKey: string;
  /** Lines of the product on the agreement in effect on the billing date; null when there are none. */
  group: ProductLines | null;
  sources: LatestCount[];
  /** The vendor quantity compared with this row; null when no usage reached it. */
  vendor: Quantity | null;
  /** Set on every row of a company-wide comparison across several agreements. */
  pool: PoolInfo | null;
}

export interface PoolInfo {
  agreements: number;
  vendorTotal: Quantity;
  psaTotal: Quantity;
  target: AgreementInput;
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
  const book: DraftBook = { rows: [], byAgreement: new Map(), byCompany: new Map(), pools: new Map(), poolList: [] };
  // forEach, not for…of over entries: no [key, value] array per entry (20,000 of them).
  index.productLines.forEach((products, agreementId) => {
    const agreement = index.countingAgreements.get(agreementId);
    if (!agreement) return;
    // The lines' draft is kept on their group (draftOf): no second table per agreement.
    products.forEach((group) => {
      const draft = newDraft(agreement, agreement.companyId, group.productKey);
      draft.group = group;
      group.draft = draft;
      book.rows.push(draft);
    });
  });
  const unmapped: UnmappedDraft[] = [];
  const shown = preferredMeasures(latest);
  for (let i = 0; i < latest.length; i++) {
    const source = latest[i] as LatestCount;
    const { accountId, serviceId } = source.count;
    const measure = source.count.measure ?? "total";
    const mapping = index.accountMappings.get(accountId);
    const products = index.serviceProducts.get(serviceId);
    if (!mapping || !products || products.length === 0) {
      // Unmapped usage is listed once per account × service, by its preferred measure.
      if (measure !== "total" && shown.get(`${accountId}\u0000${serviceId}`) !== measure) continue;
      if (measure === "total" && shown.size > 0 && (shown.get(`${accountId}\u0000${serviceId}`) ?? "total") !== "total") continue;
      if (!mapping) unmapped.push({ key: `acct:${accountId}:${serviceId}`, status: "unmapped-account", companyId: null, source });
      else unmapped.push({ key: `svc:${accountId}:${serviceId}`, status: "unmapped-service", companyId: mapping.companyId, source });
    } else {
      // Each mapping reads the measure its rule's basis names, takes its share and bills what its rule makes of it.
      const reading = readingOf(products, measure);
      const shares = hasSplit(reading) ? splitCount(source.source.quantity, reading.map((p) => ({ productKey: p.productKey, split: p.rule.split }))) : null;
      for (let j = 0; j < reading.length; j++) {
        const product = reading[j] as ProductMapping;
        allocateSource(book, index, mapping, product.productKey, applyRule(source, product.rule, shares?.get(product.productKey)));
      }
    }
  }
  for (const pool of book.poolList) settlePool(book, index, pool);
  return { rows: book.rows, unmapped };
}

/** The mappings that read this measure; the mapping list itself when all do (the usual case: no array per source). */
// Indexed loops: these run once per source, where for…of left an iterator result per step.
function readingOf(products: readonly ProductMapping[], measure: string): readonly ProductMapping[] {
  for (let i = 0; i < products.length; i++) if ((products[i] as ProductMapping).rule.basis !== measure) return products.filter((q) => q.rule.basis === measure);
  return products;
}

function hasSplit(products: readonly ProductMapping[]): boolean {
  for (let i = 0; i < products.length; i++) if ((products[i] as ProductMapping).rule.split) return true;
  return false;
}

/** total when reported, else the first measure by name (empty when every count is a total: nothing to choose). */
function preferredMeasures(latest: readonly LatestCount[]): Map<string, string> {
  const preferred = new Map<string, string>();
  if (latest.every((s) => s.count.measure === undefined || s.count.measure === "total")) return preferred;
  for (let i = 0; i < latest.length; i++) {
    const s = latest[i] as LatestCount;
    const key = `${s.count.accountId}\u0000${s.count.serviceId}`;
    const measure = s.count.measure ?? "total";
    const current = preferred.get(key);
    if (current === undefined || (current !== "total" && (measure === "total" || measure < current))) preferred.set(key, measure);
  }
  return preferred;
}

/** The source as the rule bills it; the raw count and the steps stay visible on the row. */
function applyRule(source: LatestCount, rule: CountRule, share: string | undefined): LatestCount {
  if (isDefaultRule(rule)) return source;
  const result = applyCountRule(source.source.quantity, rule, share);
  return {
    ...source,
    quantity: parseQuantity(result.billed),
    source: { ...source.source, quantity: result.billed, rawQuantity: source.source.quantity, rule: result.explanation },
  };
}

interface DraftBook {
  rows: RowDraft[];
  /** agreementId → productKey → drafts of usage on an agreement without lines of the product (drafts with lines: draftOf). */
  byAgreement: Map<string, Map<string, RowDraft>>;
  byCompany: Map<string, Map<string, RowDraft>>;
  /** companyId → productKey → unpinned sources of the company for the product (nested: no key string per source). */
  pools: Map<string, Map<string, Pool>>;
  /** The same pools in the order they were opened (settled in that order). */
  poolList: Pool[];
}

interface Pool {
  companyId: string;
  productKey: string;
  sources: LatestCount[];
}

function allocateSource(book: DraftBook, index: TenantIndex, mapping: AccountMappingInput, productKey: string, source: LatestCount): void {
  const pinned = pinnedAgreement(index, mapping);
  if (pinned) return addSource(book, index, pinned, mapping.companyId, productKey, source);
  const counting = index.countingByCompany.get(mapping.companyId);
  // One counting agreement (most companies): it takes the usage, on its lines of the product when it has
  // some — what a pool with that one carrier settles to, pinned usage or not — so no pool is opened.
  if (counting?.length === 1) return addSource(book, index, counting[0] ?? null, mapping.companyId, productKey, source);
  if (carriesProduct(index, mapping.companyId, productKey)) {
    let byProduct = book.pools.get(mapping.companyId);
    if (!byProduct) book.pools.set(mapping.companyId, (byProduct = new Map()));
    let pool = byProduct.get(productKey);
    if (!pool) {
      byProduct.set(productKey, { companyId: mapping.companyId, productKey, sources: [source] });
      book.poolList.push(byProduct.get(productKey) as Pool);
    } else pool.sources.push(source);
    return;
  }
  addSource(book, index, null, mapping.companyId, productKey, source);
}

/**
 * A pin only holds while the pinned agreement counts and belongs to the mapped
 * company; otherwise usage would silently vanish or bill another customer, so
 * it falls back to the unpinned rules.
 */
function pinnedAgreement(index: TenantIndex, mapping: AccountMappingInput): AgreementInput | null {
  if (mapping.agreementId === null) return null;
  const pinned = index.countingAgreements.get(mapping.agreementId);
  return pinned && pinned.companyId === mapping.companyId ? pinned : null;
}

/** Whether any counting agreement of the company has lines of the product in effect (independent of the order sources arrive in). */
function carriesProduct(index: TenantIndex, companyId: string, productKey: string): boolean {
  const agreements = index.countingByCompany.get(companyId);
  if (!agreements) return false;
  for (const a of agreements) if (index.productLines.get(a.id)?.has(productKey)) return true;
  return false;
}

/** The company's counting agreements with lines of the product in effect, that no pinned usage of the product reaches. */
function carriersOf(index: TenantIndex, companyId: string, productKey: string): RowDraft[] {
  const carriers: RowDraft[] = [];
  for (const agreement of index.countingByCompany.get(companyId) ?? []) {
    const draft = draftOf(index, agreement.id, productKey);
    if (draft?.group && draft.sources.length === 0) carriers.push(draft);
  }
  return carriers;
}

/**
 * The company-wide comparison. One carrier: it takes the pool. Several: the
 * target is the agreement holding the product's largest line (ties → the
 * smallest line id); every other carrier is allocated what it bills, the
 * target the rest — so variances add up to exactly vendor − PSA for the
 * company, and the difference (the proposal) lands on one row. When usage is
 * below what the other agreements bill, the target gets 0 and the shortfall
 * comes off the others, largest first (their rows show it; none proposes).
 * Pinned usage (an account pinned to an agreement) stays outside the pool.
 */
function settlePool(book: DraftBook, index: TenantIndex, pool: Pool): void {
  // Pools are only opened for companies with several counting agreements (allocateSource).
  const carriers = carriersOf(index, pool.companyId, pool.productKey);
  if (carriers.length === 0) {
    // Every carrier received pinned usage: the unpinned usage goes to the one with the largest line.
    const pinnedCarriers = (index.countingByCompany.get(pool.companyId) ?? []).flatMap((a) => draftOf(index, a.id, pool.productKey) ?? []);
    const target = pickTarget(pinnedCarriers.filter((d) => d.group));
    if (target) for (const s of pool.sources) addSourceTo(target, s);
    return;
  }
  const target = pickTarget(carriers) as RowDraft;
  if (carriers.length === 1) return takeSources(target, pool.sources);
  const vendorTotal = pool.sources.reduce<Quantity>((sum, s) => addQuantities(sum, s.quantity), 0);
  const others = carriers.filter((d) => d !== target).sort((a, b) => compareQuantities(groupTotal(b), groupTotal(a)) || compareIds(a.key, b.key));
  const psaTotal = carriers.reduce<Quantity>((sum, d) => addQuantities(sum, groupTotal(d)), 0);
  let left = vendorTotal;
  for (const draft of others) {
    const share = compareQuantities(left, groupTotal(draft)) >= 0 ? groupTotal(draft) : left;
    draft.vendor = share;
    left = subtractQuantities(left, share);
  }
  target.vendor = signOfQuantity(left) > 0 ? left : 0;
  const info: PoolInfo = { agreements: carriers.length, vendorTotal, psaTotal, target: target.agreement as AgreementInput };
  for (const draft of carriers) {
    draft.sources = [...pool.sources];
    draft.pool = info;
  }
}

function groupTotal(draft: RowDraft): Quantity {
  return draft.group?.total ?? 0;
}

/** The draft holding the product's largest line; ties → the smallest line id. */
function pickTarget(drafts: readonly RowDraft[]): RowDraft | null {
  if (drafts.length === 1) return drafts[0]?.group?.lines.length ? (drafts[0] ?? null) : null;
  let best: RowDraft | null = null;
  let bestQuantity: Quantity = 0;
  let bestLineId = "";
  for (const draft of drafts) {
    const group = draft.group;
    if (!group) continue;
    for (let i = 0; i < group.lines.length; i++) {
      const lineId = (group.lines[i] as LineInput).id;
      const quantity = group.quantities[i] ?? 0;
      const order = best === null ? 1 : compareQuantities(quantity, bestQuantity) || -compareIds(lineId, bestLineId);
      if (order > 0) [best, bestQuantity, bestLineId] = [draft, quantity, lineId];
    }
  }
  return best;
}

/** The draft of an agreement's lines of a product (made first, for every group), if it has such lines. */
function draftOf(index: TenantIndex, agreementId: string, productKey: string): RowDraft | null {
  return index.productLines.get(agreementId)?.get(productKey)?.draft ?? null;
}

function addSource(book: DraftBook, index: TenantIndex, agreement: AgreementInput | null, companyId: string, productKey: string, source: LatestCount): void {
  let draft = (agreement ? draftOf(index, agreement.id, productKey) : null) ?? ownerTable(book, agreement, companyId).get(productKey);
  if (!draft) {
    draft = newDraft(agreement, companyId, productKey);
    addDraft(book, agreement, companyId, draft);
  }
  addSourceTo(draft, source);
}

function addSourceTo(draft: RowDraft, source: LatestCount): void {
  // A literal for the first source: most drafts get exactly one, and push would reserve room for sixteen.
  if (draft.sources.length === 0) draft.sources = [source];
  else draft.sources.push(source);
  draft.vendor = draft.vendor === null ? source.quantity : addQuantities(draft.vendor, source.quantity);
}

/** addSourceTo for each source, for a draft that has none yet: the pool's list becomes the draft's. */
function takeSources(draft: RowDraft, sources: LatestCount[]): void {
  let vendor = draft.vendor;
  for (const s of sources) vendor = vendor === null ? s.quantity : addQuantities(vendor, s.quantity);
  draft.sources = sources;
  draft.vendor = vendor;
}

function addDraft(book: DraftBook, agreement: AgreementInput | null, companyId: string, draft: RowDraft): void {
  ownerTable(book, agreement, companyId).set(draft.productKey, draft);
  book.rows.push(draft);
}

function ownerTable(book: DraftBook, agreement: AgreementInput | null, companyId: string): Map<string, RowDraft> {
  const table = agreement ? book.byAgreement : book.byCompany;
  const owner = agreement ? agreement.id : companyId;
  let products = table.get(owner);
  if (!products) table.set(owner, (products = new Map()));
  return products;
}

function newDraft(agreement: AgreementInput | null, companyId: string, productKey: string): RowDraft {
  const key = agreement ? `agr:${agreement.id}:${productKey}` : `co:${companyId}:${productKey}`;
  return { key, companyId: agreement?.companyId ?? companyId, agreement, productKey, group: null, sources: NO_SOURCES, vendor: null, pool: null };
}

/**
 * Drafts start with this shared, frozen list; a draft's first source replaces
 * it (addSourceTo, takeSources, settlePool), so most drafts get one list of one.
 */
const NO_SOURCES = Object.freeze([]) as unknown as LatestCount[];
