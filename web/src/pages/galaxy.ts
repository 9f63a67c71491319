export async function renderGalaxyPage(app: HTMLElement, id: string): Promise<void> { app.textContent = "galaxy " + id; }
