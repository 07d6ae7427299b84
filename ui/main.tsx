import { render } from "preact";

function Home() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: "40rem", margin: "3rem auto", lineHeight: 1.5 }}>
      <h1>Trueup</h1>
      <p>PSA billing reconciliation for MSPs. The API is under <code>/api/v1</code>; see the README.</p>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Home />, root);
