/** Flags for Debian's Chromium: headless, runnable as root, quiet on the network. */
export declare const CHROMIUM_ARGS: string[];
/** Places a Chromium or Chrome binary is looked for, `CHROMIUM_PATH` first. */
export declare function chromiumCandidates(): string[];
/** The first Chromium found, or undefined. */
export declare function findChromium(): string | undefined;
/** The Chromium to launch: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export declare function chromiumPath(): string;
