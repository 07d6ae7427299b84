/**
 * The mappings in force (the grid with "Unmapped only" off): vendor accounts →
 * customers and vendor services → PSA products, each service mapping with its
 * count rule (issue 12 §6), edited with its preview — which rows change and the
 * money per month — before it is saved (components/rule-editor.tsx).
 */
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import type { CountRuleView, ServiceMappingView } from "../../../src/shared/api-types.ts";
import { RuleEditor } from "../../components/rule-editor.tsx";
import { describeRule, type RuleBody } from "../../lib/count-rule.ts";
import { del, post } from "../lib/api.ts";

export interface CurrentMappings {
  accounts: Array<{ accountId: string; accountName: string; companyId: string; integrationName: string; method: string; confidence: number | null }>;
  services: ServiceMappingView[];
}

interface Props {
  current: CurrentMappings;
  companyName: (companyId: string) => string;
  productName: (productKey: string) => string;
  canMap: boolean;
  /** After a change: reload and say what happened (an error: its message). */
  done: (result: { kind: "ok" | "err"; text: string }) => void;
}

const serviceKey = (s: { serviceId: string; productKey: string }) => `${s.serviceId}|${s.productKey}`;
const servicePath = (s: { serviceId: string; productKey: string }) => `/api/v1/mappings/services/${encodeURIComponent(s.serviceId)}/${encodeURIComponent(s.productKey)}`;

export function CurrentMappingsTable({ current, companyName, productName, canMap, done }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  const remove = async (path: string) => {
    try {
      await del(path);
      done({ kind: "ok", text: "Mapping removed." });
    } catch (e) {
      done({ kind: "err", text: e instanceof Error ? e.message : String(e) });
    }
  };
  const saveRule = (s: ServiceMappingView) => async (rule: RuleBody) => {
    const saved = await post<{ mapping: { rule: CountRuleView } }>("/api/v1/mappings/services", { serviceId: s.serviceId, productKey: s.productKey, rule });
    done({ kind: "ok", text: `Count rule for ${s.serviceName} → ${productName(s.productKey)} saved: ${describeRule(saved.mapping.rule)}. The board recomputes the affected customers.` });
  };
  const cols = canMap ? 5 : 4;
  return (
    <>
      <h2>Current mappings</h2>
      <table class="grid small current-mappings">
        <thead>
          <tr>
            <th>Vendor item</th>
            <th>Maps to</th>
            <th>How</th>
            <th>Count rule</th>
            {canMap && <th><span class="sr">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {current.accounts.map((a) => (
            <tr key={`a:${a.accountId}`}>
              <td>{a.accountName} <span class="muted">({a.integrationName})</span></td>
              <td>{companyName(a.companyId)}</td>
              <td>{a.method}{a.confidence !== null ? ` · ${a.confidence} %` : ""}</td>
              <td class="muted">—</td>
              {canMap && <td><div class="acts"><button type="button" class="btn" onClick={() => remove(`/api/v1/mappings/accounts/${encodeURIComponent(a.accountId)}`)}>Remove</button></div></td>}
            </tr>
          ))}
          {current.services.map((s) => (
            <Fragment key={`s:${serviceKey(s)}`}>
              <tr data-service-mapping={serviceKey(s)}>
                <td>{s.serviceName}</td>
                <td>{productName(s.productKey)}</td>
                <td>manual</td>
                <td data-rule>{describeRule(s.rule)}</td>
                {canMap && (
                  <td>
                    <div class="acts">
                      <button type="button" class="btn" aria-expanded={editing === serviceKey(s)} data-action="edit-rule" onClick={() => setEditing(editing === serviceKey(s) ? null : serviceKey(s))}>
                        Edit rule
                      </button>
                      <button type="button" class="btn" onClick={() => remove(servicePath(s))}>Remove</button>
                    </div>
                  </td>
                )}
              </tr>
              {editing === serviceKey(s) && (
                <tr class="editor-row">
                  <td colSpan={cols}>
                    <RuleEditor
                      initial={s.rule}
                      preview={(rule) => post("/api/v1/mappings/preview", { serviceId: s.serviceId, productKey: s.productKey, rule })}
                      save={saveRule(s)}
                      close={() => setEditing(null)}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </>
  );
}
