import { describe, expect, it } from "vitest";
import { reconcile } from "../../../src/core/reconcile/engine.ts";
import type { ReconcileInput } from "../../../src/core/reconcile/types.ts";
import { account, accountMapping, agreement, company, count, input, line, service, serviceMapping } from "./fixtures.ts";

function tenant(): ReconcileInput {
  return input({
    companies: [company("c1", "beta"), company("c2", "Alpha"), company("c3", "acme")],
    agreements: [
      agreement({ id: "a1", companyId: "c1", name: "Main" }),
      agreement({ id: "a2", companyId: "c2", name: "Zulu" }),
      agreement({ id: "a3", companyId: "c2", name: "alpha" }),
      agreement({ id: "a4", companyId: "c3", name: "Main" }),
    ],
    lines: [
      line({ id: "L1", agreementId: "a1", productKey: "P2", productName: "Defender" }),
      line({ id: "L2", agreementId: "a1", productKey: "P1", productName: "backup" }),
      line({ id: "L3", agreementId: "a2", productKey: "P1", productName: "Backup" }),
      line({ id: "L4", agreementId: "a3", productKey: "P3", productName: "Email" }),
      line({ id: "L5", agreementId: "a4", productKey: "P1", productName: "Backup" }),
    ],
    accounts: [account("acc1"), account("acc2"), account("acc9")],
    services: [service("s1"), service("s2")],
    accountMappings: [accountMapping("acc1", "c2"), accountMapping("acc2", "c1")],
    serviceMappings: [serviceMapping("s1", "P9")],
    counts: [
      count({ accountId: "acc1", serviceId: "s1" }),
      count({ accountId: "acc2", serviceId: "s2" }),
      count({ accountId: "acc9", serviceId: "s1" }),
    ],
  });
}

describe("output order", () => {
  it("sorts by company, agreement, product name (case-insensitive); company-level rows after agreements; unmapped last by key", () => {
    expect(reconcile(tenant()).map((r) => r.key)).toEqual([
      "agr:a4:P1", // acme / Main / Backup
      "agr:a3:P3", // Alpha / alpha / Email
      "agr:a2:P1", // Alpha / Zulu / Backup
      "co:c2:P9", // Alpha / (no agreement)
      "agr:a1:P1", // beta / Main / backup
      "agr:a1:P2", // beta / Main / Defender
      "acct:acc9:s1",
      "svc:acc2:s2",
    ]);
  });

  it("does not depend on input order", () => {
    const forward = reconcile(tenant());
    const reversed = tenant();
    const shuffled: ReconcileInput = {
      ...reversed,
      companies: [...reversed.companies].reverse(),
      agreements: [...reversed.agreements].reverse(),
      lines: [...reversed.lines].reverse(),
      accounts: [...reversed.accounts].reverse(),
      accountMappings: [...reversed.accountMappings].reverse(),
      counts: [...reversed.counts].reverse(),
    };
    expect(reconcile(shuffled)).toEqual(forward);
  });

  it("does not mutate its input", () => {
    const data = tenant();
    const before = JSON.stringify(data);
    reconcile(data);
    expect(JSON.stringify(data)).toBe(before);
  });
});
