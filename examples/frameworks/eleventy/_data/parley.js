/**
 * Site data every template sees as `parley`: the Parley server, from
 * `PARLEY_SERVER` at build time, default the one `npm start` runs.
 */
export default {
  server: process.env.PARLEY_SERVER ?? 'http://127.0.0.1:8787',
};
