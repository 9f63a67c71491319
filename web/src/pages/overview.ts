export async function renderOverviewPage(app: HTMLElement): Promise<void> { app.textContent = "overview"; }
