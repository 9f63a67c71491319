/** The explorer's router: the URL path picks the page; every page reads its state from the URL. */
import "./style.css";
import { renderGalaxyPage } from "./pages/galaxy";
import { renderOverviewPage } from "./pages/overview";
import { renderRunPage } from "./pages/run";
import { renderRunsPage } from "./pages/runs";
import { showError } from "./ui/dom";

async function route(app: HTMLElement): Promise<void> {
  const path = location.pathname;
  let match: RegExpMatchArray | null;
  if ((match = path.match(/^\/galaxy\/(\d+)\/?$/))) return renderGalaxyPage(app, match[1]);
  if ((match = path.match(/^\/runs\/(\d+)\/?$/))) return renderRunPage(app, match[1]);
  if (/^\/runs\/?$/.test(path)) return renderRunsPage(app);
  return renderOverviewPage(app);
}

const app = document.getElementById("app")!;
route(app).catch((error: unknown) => showError(app, error));
