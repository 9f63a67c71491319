export async function renderRunsPage(app: HTMLElement): Promise<void> { app.textContent = "runs"; }
