/**
 * Entry of `/widget.js`: the bundle a page loads with one `<script
 * type="module">`. It registers `<parley-thread>` and starts the autoloader
 * of the index elements (`autoload.ts`, a chunk of its own, not awaited: the
 * thread renders without it). The package entry (`index.ts`) registers every
 * element eagerly instead, so an app's bundler sees no autoloader.
 */
import './define.js';

import('./autoload.js');
