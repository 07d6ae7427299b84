/**
 * Pod entry: reads the boot data the Worker put on #app (src/core/pod/page.ts)
 * and starts the ConnectWise pod or the standalone view; without boot data
 * (the bare static page) it only says where to go.
 */
import { render } from "preact";
import { App } from "./components/app.tsx";
import { parseBoot } from "./lib/boot.ts";
import "./styles.css";

function Landing() {
  return (
    <main class="center">
      <h1>Trueup</h1>
      <p>PSA billing reconciliation for MSPs. Open it from ConnectWise (the pod) or from an Autotask LiveLink (/pod/standalone/&lt;tenant&gt;).</p>
    </main>
  );
}

const root = document.getElementById("app");
if (root) {
  const boot = parseBoot(root.dataset.boot);
  root.textContent = "";
  render(boot ? <App boot={boot} /> : <Landing />, root);
}
