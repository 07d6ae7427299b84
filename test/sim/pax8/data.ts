/**
 * Recorded-shape Pax8 data (fields and example values per Pax8's published
 * OpenAPI, reference §4): companies, subscriptions with quantity, price and
 * partnerCost, and usage summaries of an Azure subscription per resource group.
 */
export interface Pax8Company {
  id: string;
  name: string;
  website: string | null;
  status: string;
}

export interface Pax8Subscription {
  id: string;
  companyId: string;
  productId: string;
  productName: string;
  quantity: number;
  startDate: string;
  createdDate: string;
  billingStart: string;
  status: string;
  price: number;
  partnerCost: number;
  currencyCode: string;
  billingTerm: string;
}

export interface Pax8UsageSummary {
  id: string;
  companyId: string;
  subscriptionId: string;
  productId: string;
  resourceGroup: string;
  vendorName: string;
  currentCharges: number;
  currencyCode: string;
  partnerTotal: number;
  isTrial: boolean;
}

export const COMPANIES: Pax8Company[] = [
  { id: "fe7a2d5f-1d2c-4a43-a9f1-8e5b0c3d2a11", name: "Contoso Pharmaceuticals", website: "contoso-pharma.com", status: "Active" },
  { id: "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d22", name: "Fabrikam, Inc.", website: null, status: "Active" },
  { id: "5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e33", name: "Litware", website: "litware.io", status: "Active" },
];

const [contoso, fabrikam, litware] = COMPANIES as [Pax8Company, Pax8Company, Pax8Company];

function sub(id: string, company: Pax8Company, productId: string, productName: string, quantity: number, partnerCost: number, billingTerm = "Monthly"): Pax8Subscription {
  return {
    id, companyId: company.id, productId, productName, quantity, startDate: "2026-01-01T08:30:00Z", createdDate: "2025-12-01T08:30:00Z",
    billingStart: "2026-01-01", status: "Active", price: Math.round(partnerCost * 125) / 100, partnerCost, currencyCode: "USD", billingTerm,
  };
}

export const SUBSCRIPTIONS: Pax8Subscription[] = [
  sub("05c587df-0001-4000-8000-000000000001", contoso, "e91bba5e-m365-e3", "Microsoft Office 365 E3", 5, 23.0),
  sub("05c587df-0002-4000-8000-000000000002", contoso, "e91bba5e-m365-e3", "Microsoft Office 365 E3", 2, 22.1, "Annual"),
  sub("05c587df-0003-4000-8000-000000000003", fabrikam, "a1b2c3d4-exo-p1", "Exchange Online (Plan 1)", 12, 3.2),
  sub("05c587df-0004-4000-8000-000000000004", litware, "a1b2c3d4-exo-p1", "Exchange Online (Plan 1)", 3, 3.2),
  sub("05c587df-0005-4000-8000-000000000005", contoso, "azure-plan-0001", "Microsoft Azure Plan", 1, 0),
];

export const USAGE_SUMMARIES: Pax8UsageSummary[] = [
  { id: "us-0001", companyId: contoso.id, subscriptionId: "05c587df-0005-4000-8000-000000000005", productId: "azure-plan-0001", resourceGroup: "rg-prod", vendorName: "Microsoft", currentCharges: 1843.27, currencyCode: "USD", partnerTotal: 1612.86, isTrial: false },
  { id: "us-0002", companyId: contoso.id, subscriptionId: "05c587df-0005-4000-8000-000000000005", productId: "azure-plan-0001", resourceGroup: "rg-dev", vendorName: "Microsoft", currentCharges: 12.5, currencyCode: "USD", partnerTotal: 10.94, isTrial: false },
];
