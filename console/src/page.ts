/** A page renders into `main`; `signal` aborts when the admin navigates away. */
export type Page = (main: HTMLElement, params: string[], signal: AbortSignal) => Promise<void>;
