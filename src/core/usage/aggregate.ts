/**
 * Per-key exact aggregation of file rows: memory grows with the number of
 * distinct account × service × period keys, never with the number of rows,
 * so a million-row daily usage file aggregates in a few thousand buckets.
 */
import type { ServiceCategory } from "../reconcile/types.ts";
import { err, ok, type Result } from "../shared/result.ts";
import type { ImportDraft } from "./csv-profile.ts";
import { ExactSum, type ScaledDecimal } from "./exact-sum.ts";
import { toMinorUnits } from "./money.ts";

export interface BucketIdentity {
  accountExternalId: string;
  accountName: string;
  accountDescription: string | null;
  serviceExternalId: string;
  serviceName: string;
  serviceCategory: ServiceCategory;
  serviceUnit: string | null;
  period: string;
}

interface Bucket {
  identity: BucketIdentity;
  quantity: ExactSum;
  cost: ExactSum | null;
  currency: string | null;
  firstLine: number;
  lastLine: number;
  lineCount: number;
}

export class CountAggregator {
  private readonly buckets = new Map<string, Bucket>();

  get size(): number {
    return this.buckets.size;
  }

  /** The first line of an existing bucket for `key`, if any (for "duplicate row" checks). */
  firstLineOf(key: string): number | undefined {
    return this.buckets.get(key)?.firstLine;
  }

  /** Adds a row; returns an error when its currency differs from the bucket's. */
  add(key: string, identity: () => BucketIdentity, quantity: ScaledDecimal, cost: ScaledDecimal | null, currency: string | null, line: number): string | null {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { identity: identity(), quantity: new ExactSum(), cost: null, currency, firstLine: line, lastLine: line, lineCount: 0 };
      this.buckets.set(key, bucket);
    } else if (cost !== null && bucket.currency !== null && currency !== bucket.currency) {
      return `currency ${currency} differs from ${bucket.currency} on line ${bucket.firstLine} for the same count`;
    }
    bucket.quantity.add(quantity);
    if (cost !== null) {
      bucket.cost ??= new ExactSum();
      bucket.cost.add(cost);
      bucket.currency ??= currency;
    }
    bucket.lastLine = line;
    bucket.lineCount += 1;
    return null;
  }

  /** One draft per bucket; a negative total is an error naming its lines (never clamped to 0). */
  drafts(): Result<ImportDraft[], string> {
    const out: ImportDraft[] = [];
    for (const bucket of this.buckets.values()) {
      const where = `lines ${bucket.firstLine}–${bucket.lastLine} (${bucket.identity.accountName} / ${bucket.identity.serviceName} / ${bucket.identity.period})`;
      if (bucket.quantity.isNegative()) return err(`${where}: total quantity is negative (${bucket.quantity.toDecimal()})`);
      let costMinor: number | null = null;
      if (bucket.cost && bucket.currency) {
        const minor = toMinorUnits(bucket.cost, bucket.currency);
        if (!minor.ok) return err(`${where}: ${minor.error}`);
        costMinor = minor.value;
      }
      out.push({
        ...bucket.identity,
        quantity: bucket.quantity.toDecimal(),
        costMinor,
        costCurrency: costMinor === null ? null : bucket.currency,
        firstLine: bucket.firstLine,
        lastLine: bucket.lastLine,
        lineCount: bucket.lineCount,
      });
    }
    return ok(out);
  }
}
