export async function renderRunPage(app: HTMLElement, id: string): Promise<void> { app.textContent = "run " + id; }
