/**
 * Import benchmark: end-to-end CSV import throughput and memory.
 *
 * Generates Partner Center daily rated usage files (the 55 real columns,
 * 500 customers × 3 subscriptions, so the number of counts stays fixed while
 * rows grow) of 250,000 and 1,000,000 rows, then:
 * - bare: parses each with csv-parse's stream API in this Node process;
 * - end to end: POSTs each gzip-compressed, as a streamed body, to a real
 *   `wrangler dev --local` (`/api/v1/imports?profile=partner-center-usage`),
 *   sampling the RSS of its workerd processes. Compressed because that is how
 *   such files reach a deployed Worker: as CSV they are 178 and 711 MiB, over
 *   the 100 MB request-body cap imports keep to (Cloudflare Free/Pro, routes/
 *   ingest/imports.ts); gzip makes them 10 and 38 MiB, and the import gunzips
 *   in its stream. Throughput is MB of CSV per second on both sides, so end to
 *   end also pays the gunzip.
 * Targets: end-to-end ≥ 50% of the bare parse throughput on the 1M-row file;
 * peak memory flat as the file grows (1M-row peak within 20% of the 250k-row
 * peak, both measured after one warm-up import, each once the previous
 * import's recompute has run: RSS only climbs, so a sample overlapping that
 * work would count it against the file).
 *
 * Run: npm run bench import   (or: npx node --expose-gc bench/import.ts)
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { parse } from "csv-parse";
import { ROOT } from "../scripts/wrangler.ts";
import { createBenchTenant, type DevWorker, sampleRss, startDevWorker } from "../test/fixtures/ingest/wrangler-harness.ts";

const PORT = 18787;
const SIZES = [250_000, 1_000_000];
const TARGET_RATIO = 0.5;
const FLAT_TOLERANCE = 1.2;
const MB = 1024 * 1024;
const SETTLE_MS = 20_000;

const COLUMNS = "PartnerId,PartnerName,CustomerId,CustomerName,CustomerDomainName,CustomerCountry,MpnId,Tier2MpnId,InvoiceNumber,ProductId,SkuId,AvailabilityId,SkuName,ProductName,PublisherName,PublisherId,SubscriptionDescription,SubscriptionId,ChargeStartDate,ChargeEndDate,UsageDate,MeterType,MeterCategory,MeterId,MeterSubCategory,MeterName,MeterRegion,Unit,ResourceLocation,ConsumedService,ResourceGroup,ResourceURI,ChargeType,UnitPrice,Quantity,UnitType,BillingPreTaxTotal,BillingCurrency,PricingPreTaxTotal,PricingCurrency,ServiceInfo1,ServiceInfo2,Tags,AdditionalInfo,EffectiveUnitPrice,PCToBCExchangeRate,PCToBCExchangeRateDate,EntitlementId,EntitlementDescription,PartnerEarnedCreditPercentage,CreditPercentage,CreditType,BenefitOrderId,BenefitId,BenefitType";
const METERS = [["Storage", "Tables", "LRS Data Stored", "1 GB/Month"], ["Virtual Machines", "Dv3/DSv3 Series", "D2 v3/D2s v3", "1 Hour"], ["Bandwidth", "Rtn Preference: MGN", "Standard Data Transfer Out", "1 GB"]] as const;

function usageRow(i: number): string {
  const customer = i % 500;
  const sub = `${String(customer).padStart(8, "0")}-aaaa-4bbb-8ccc-${String(i % 3).padStart(12, "0")}`;
  const [category, subCategory, meter, unit] = METERS[i % 3] as (typeof METERS)[number];
  const day = 1 + (i % 30);
  const quantity = ((i % 997) / 100 + 0.001).toFixed(6);
  const total = ((i % 9973) * 0.000131).toFixed(6);
  const rg = `rg-${["prod", "dev", "test", "shared"][i % 4]}`;
  return `0e195b37-4574-4539-bc42-0e539b9684c0,Adatum Partner,${String(customer).padStart(8, "0")}-1111-4222-8333-444455556666,"Customer ${customer}, Inc.",customer${customer}.onmicrosoft.com,US,6111111,,G052317999,DZH318Z0BPS6,0001,DZH318Z0BPS6,Azure plan,Azure plan,Microsoft,,Azure plan,${sub},6/1/2026 0:00,6/30/2026 23:59,6/${day}/2026 0:00,${unit},${category},b2e4c6d8-0000-4000-8000-${String(i % 50).padStart(12, "0")},${subCategory},${meter},US East,${unit},eastus,Microsoft.Compute,${rg},/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/vm${i % 10},new,0.045,${quantity},${unit},${total},USD,${total},USD,,,"{""env"": ""${rg.slice(3)}""}",,0.045,1,6/1/2026 0:00,${sub},Azure subscription 1,0,0,,,,`;
}

async function generate(rows: number): Promise<string> {
  const dir = path.join(tmpdir(), "trueup-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `daily-usage-${rows}.csv`);
  if (existsSync(file) && statSync(file).size > rows * 500) return file;
  const out = createWriteStream(file);
  out.write(`\uFEFF${COLUMNS}\r\n`);
  for (let i = 0; i < rows; i += 1000) {
    let block = "";
    for (let j = i; j < Math.min(rows, i + 1000); j++) block += `${usageRow(j)}\r\n`;
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return file;
}

/** The CSV gzip-compressed next to it (made once, like the CSV). */
async function gzipped(file: string): Promise<string> {
  const gz = `${file}.gz`;
  if (existsSync(gz) && statSync(gz).size > 0 && statSync(gz).mtimeMs >= statSync(file).mtimeMs) return gz;
  await pipeline(createReadStream(file), createGzip(), createWriteStream(gz));
  return gz;
}

async function bareParse(file: string): Promise<{ seconds: number; records: number }> {
  const started = performance.now();
  let records = 0;
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).pipe(parse({ bom: true })).on("data", () => (records += 1)).on("end", resolve).on("error", reject);
  });
  return { seconds: (performance.now() - started) / 1000, records };
}

interface E2E {
  seconds: number;
  peakMb: number;
  status: number;
  rowsRead: number;
  counts: number;
  /** workerd RSS just before this import (after the settle). */
  idleMb?: number;
}

async function importOnce(dev: DevWorker, apiKey: string, file: string): Promise<E2E> {
  const sampler = sampleRss(dev.workerdPids);
  const started = performance.now();
  const res = await fetch(`${dev.base}/api/v1/imports?profile=partner-center-usage`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/gzip", "content-length": String(statSync(file).size) },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  const peakMb = sampler.stop();
  if (res.status !== 201) throw new Error(`import answered ${res.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { import: { rowsRead: number; countsStaged: number } };
  return { seconds, peakMb, status: res.status, rowsRead: body.import.rowsRead, counts: body.import.countsStaged };
}

/** wrangler dev reloads the Worker when a source file changes; retry once if that cut an import short. */
async function importFile(dev: DevWorker, apiKey: string, file: string): Promise<E2E> {
  try {
    return await importOnce(dev, apiKey, file);
  } catch (error) {
    console.log(`  retrying once: ${error instanceof Error ? error.message : String(error)}`);
    return importOnce(dev, apiKey, file);
  }
}

async function main(): Promise<void> {
  const files = new Map<number, string>();
  const uploads = new Map<number, string>();
  for (const rows of SIZES) files.set(rows, await generate(rows));
  for (const rows of SIZES) uploads.set(rows, await gzipped(files.get(rows) as string));
  const bare = new Map<number, Awaited<ReturnType<typeof bareParse>>>();
  for (const rows of SIZES) bare.set(rows, await bareParse(files.get(rows) as string));
  const dev = await startDevWorker(PORT, path.join(ROOT, ".wrangler", "bench-state"));
  const results = new Map<number, E2E>();
  try {
    const apiKey = await createBenchTenant(dev, `Import bench ${new Date().toISOString()}`);
    const idleMb = sampleRss(dev.workerdPids).stop();
    // The first import grows the isolate's heap to its working size (V8 keeps
    // the pages); measure after one warm-up so growth with file size shows.
    // On a tenant of its own: the same file again would be answered as a replay of this import (200, nothing read).
    const warmUpKey = await createBenchTenant(dev, `Import bench warm-up ${new Date().toISOString()}`);
    const warmUp = await importFile(dev, warmUpKey, uploads.get(SIZES[0] as number) as string);
    console.log(`workerd RSS: ${idleMb.toFixed(0)} MiB idle, ${warmUp.peakMb.toFixed(0)} MiB after a warm-up import of ${SIZES[0]} rows`);
    for (const rows of SIZES) {
      // Each import going live queues the recompute of the companies it touched (here 500), which runs in this same
      // local workerd: let it finish, so a sample holds the import and not the previous one's recompute.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const idle = sampleRss(dev.workerdPids).stop();
      results.set(rows, { ...(await importFile(dev, apiKey, uploads.get(rows) as string)), idleMb: idle });
    }
  } finally {
    await dev.stop();
  }
  report(files, uploads, bare, results);
}

function report(files: Map<number, string>, uploads: Map<number, string>, bare: Map<number, { seconds: number; records: number }>, e2e: Map<number, E2E>): void {
  console.log("rows       CSV MB   gzip MB   bare parse MB/s   end-to-end MB/s   ratio   workerd peak RSS (idle before)   counts");
  for (const rows of SIZES) {
    const mb = statSync(files.get(rows) as string).size / MB;
    const gzMb = statSync(uploads.get(rows) as string).size / MB;
    const b = bare.get(rows) as { seconds: number };
    const e = e2e.get(rows) as E2E;
    const ratio = (mb / e.seconds) / (mb / b.seconds);
    console.log(
      `${String(rows).padEnd(10)} ${mb.toFixed(0).padStart(6)}   ${gzMb.toFixed(1).padStart(7)}   ${(mb / b.seconds).toFixed(1).padStart(15)}   ${(mb / e.seconds).toFixed(1).padStart(15)}   ${(ratio * 100).toFixed(0).padStart(4)}%   ${e.peakMb.toFixed(0).padStart(12)} MiB (${(e.idleMb ?? Number.NaN).toFixed(0)} MiB)   ${e.counts} (${e.rowsRead} rows, HTTP ${e.status})`,
    );
  }
  const big = SIZES[SIZES.length - 1] as number;
  const small = SIZES[0] as number;
  const bigE = e2e.get(big) as E2E;
  const ratio = (bare.get(big) as { seconds: number }).seconds / bigE.seconds;
  const growth = bigE.peakMb / (e2e.get(small) as E2E).peakMb;
  const ok = (pass: boolean) => (pass ? "PASS" : "FAIL");
  console.log(`target: end-to-end ≥ ${TARGET_RATIO * 100}% of bare parse (${big} rows): ${(ratio * 100).toFixed(0)}% ${ok(ratio >= TARGET_RATIO && bigE.status === 201)}`);
  console.log(`target: memory flat as the file grows (peak ${big} rows ≤ ${FLAT_TOLERANCE}× peak ${small} rows): ${growth.toFixed(2)}× ${ok(growth <= FLAT_TOLERANCE)}`);
}

await main();
