/** The pod's lazily loaded mapping tools (lazy.tsx): one chunk. */
export { MapFlow, MapServicePanel } from "./map-flow.tsx";
export { RulePanel } from "./rule-panel.tsx";
export { IgnoredList } from "./ignored-list.tsx";
