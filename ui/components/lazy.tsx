/**
 * Mapping tools the pod loads when first opened: the mapping flows and the
 * count-rule editor are set-up work a technician rarely does, so they stay
 * out of the pod's first payload (the 25 KB budget in vite.config.ts) and
 * arrive as one chunk from the pod's own origin (its CSP allows 'self').
 */
import type { ComponentType, FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Option as MapOption } from "./map-flow.tsx";

export type Option = MapOption;
type Tools = typeof import("./mapping-tools.ts");

let tools: Promise<Tools> | null = null;
const loadTools = () => (tools ??= import("./mapping-tools.ts"));

function lazy<P extends object>(pick: (t: Tools) => ComponentType<P>): FunctionComponent<P> {
  return (props: P) => {
    const [Loaded, setLoaded] = useState<ComponentType<P> | null>(null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      loadTools().then((t) => setLoaded(() => pick(t)), () => {
        tools = null;
        setFailed(true);
      });
    }, []);
    if (failed) return <p class="err" role="alert">Could not load this panel. Check the connection and try again.</p>;
    return Loaded ? <Loaded {...props} /> : <p class="small muted">Loading…</p>;
  };
}

export const MapFlow = lazy((t) => t.MapFlow);
export const MapServicePanel = lazy((t) => t.MapServicePanel);
export const RulePanel = lazy((t) => t.RulePanel);
export const IgnoredList = lazy((t) => t.IgnoredList);
