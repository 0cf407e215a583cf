/**
 * The Parley server the page talks to: `VITE_PARLEY_SERVER` at build time,
 * default the one `npm start` runs.
 */
export const PARLEY_SERVER: string = import.meta.env.VITE_PARLEY_SERVER ?? 'http://127.0.0.1:8787';
