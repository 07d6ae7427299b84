/**
 * The top-level fields of the ConnectWise records the simulator serves, as
 * the published OpenAPI spec (2025.8) declares them: a condition naming any
 * other field is a 400, and a PATCH may change only a writable one. Hand-
 * copied from the spec; the simulator imports nothing from the product.
 */
export const AGREEMENT_FIELDS = new Set([
  "id", "name", "type", "company", "contact", "site", "subContractCompany", "subContractContact", "parentAgreement", "customerPO", "location",
  "department", "restrictLocationFlag", "restrictDepartmentFlag", "startDate", "endDate", "noEndingDateFlag", "opportunity", "cancelledFlag",
  "dateCancelled", "reasonCancelled", "sla", "workOrder", "internalNotes", "applicationUnits", "applicationLimit", "applicationCycle",
  "applicationUnlimitedFlag", "oneTimeFlag", "coverAgreementTime", "coverAgreementProduct", "coverAgreementExpense", "coverSalesTax",
  "carryOverUnused", "allowOverruns", "expiredDays", "limit", "expireWhenZero", "chargeToFirm", "employeeCompRate", "employeeCompNotExceed",
  "compHourlyRate", "compLimitAmount", "billingCycle", "billOneTimeFlag", "billingTerms", "invoicingCycle", "billToCompany", "billToContact",
  "billToSite", "billAmount", "taxable", "prorateFirstBill", "billStartDate", "taxCode", "restrictDownPayment", "prorateFlag", "invoiceDescription",
  "topComment", "bottomComment", "workRole", "workType", "projectType", "invoiceTemplate", "billTime", "billExpenses", "billProducts",
  "billableTimeInvoice", "billableExpenseInvoice", "billableProductInvoice", "currency", "periodType", "autoInvoiceFlag", "nextInvoiceDate",
  "companyLocation", "agreementStatus", "_info", "customFields", "lastUpdated",
]);

export const ADDITION_FIELDS = new Set([
  "id", "product", "quantity", "lessIncluded", "unitPrice", "unitCost", "billCustomer", "effectiveDate", "cancelledDate", "taxableFlag",
  "serialNumber", "invoiceDescription", "purchaseItemFlag", "specialOrderFlag", "agreementId", "description", "billedQuantity", "uom", "extPrice",
  "extCost", "sequenceNumber", "margin", "prorateCost", "proratePrice", "extendedProrateCost", "extendedProratePrice", "prorateCurrentPeriodFlag",
  "opportunity", "agreementStatus", "invoiceGrouping", "_info", "customFields", "lastUpdated",
]);

/** Computed or owned by ConnectWise: a PATCH of these is refused. */
export const ADDITION_READ_ONLY = new Set(["id", "agreementId", "_info", "billedQuantity", "extPrice", "extCost", "margin", "agreementStatus", "prorateCost", "proratePrice", "extendedProrateCost", "extendedProratePrice", "lastUpdated"]);

/** CatalogItem (GET /procurement/catalog). */
export const CATALOG_FIELDS = new Set([
  "id", "identifier", "description", "inactiveFlag", "subcategory", "type", "productClass", "serializedFlag", "serializedCostFlag", "phaseProductFlag",
  "unitOfMeasure", "minStockLevel", "price", "cost", "priceAttribute", "taxableFlag", "dropShipFlag", "specialOrderFlag", "customerDescription",
  "manufacturer", "manufacturerPartNumber", "vendor", "vendorSku", "notes", "integrationXRef", "sla", "entityType", "recurringFlag", "recurringRevenue",
  "recurringCost", "recurringOneTimeFlag", "recurringBillCycle", "recurringCycleType", "dateEntered", "calculatedPriceFlag", "calculatedCostFlag",
  "category", "calculatedPrice", "calculatedCost", "_info", "customFields", "lastUpdated",
]);

/** What a POST of an addition may carry: the writable fields (read-only ones are refused, as on PATCH). */
export const ADDITION_REQUIRED_ON_CREATE = ["product", "billCustomer"] as const;
