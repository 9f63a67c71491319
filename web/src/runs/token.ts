/** The API token for mutations: kept in this tab's sessionStorage only (gone when the tab closes), never in the URL or localStorage. */
const KEY = "skycube.apiToken";

export const readToken = (): string => sessionStorage.getItem(KEY) ?? "";
export const saveToken = (token: string): void => (token ? sessionStorage.setItem(KEY, token) : sessionStorage.removeItem(KEY));
