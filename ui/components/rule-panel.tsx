/**
 * The pod's count-rule panel on a mapped row (issue 12 §6): the rule of the
 * row's service → product mapping (a row fed by several services picks one),
 * edited with its preview; saving re-reconciles the view.
 */
import { useEffect, useState } from "preact/hooks";
import type { ServiceMappingView } from "../../src/shared/api-types.ts";
import type { PanelProps } from "./panels.tsx";
import { RuleEditor } from "./rule-editor.tsx";

export function RulePanel({ row, store, close }: PanelProps) {
  const services = [...new Map(row.sources.map((s) => [s.serviceId, s.serviceName])).entries()];
  const [serviceId, setServiceId] = useState(services[0]?.[0] ?? "");
  const [mapping, setMapping] = useState<ServiceMappingView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const productKey = row.productKey ?? "";
  useEffect(() => {
    setMapping(null);
    setError(null);
    store.api
      .get<ServiceMappingView>(`/api/v1/mappings/services/${encodeURIComponent(serviceId)}/${encodeURIComponent(productKey)}`)
      .then(setMapping, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [serviceId]);
  const product = row.productName ?? productKey;
  return (
    <div class="panel" data-rule-panel>
      <p>
        Count rule: how the vendor's count {services.length > 1 ? "of the service chosen" : <>of <b>{services[0]?.[1]}</b></>} becomes the quantity billed as <b>{product}</b>, for every customer.
      </p>
      {services.length > 1 && (
        <label>
          Vendor service
          <select value={serviceId} onChange={(e) => setServiceId(e.currentTarget.value)}>
            {services.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && <p class="err" role="alert">{error}</p>}
      {mapping && (
        <RuleEditor
          key={serviceId}
          initial={mapping.rule}
          preview={(rule) => store.preview({ serviceId, productKey, rule })}
          save={(rule) => store.mapService(serviceId, productKey, `${mapping.serviceName} → ${product}`, rule)}
          close={close}
        />
      )}
    </div>
  );
}
