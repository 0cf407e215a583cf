/**
 * The Eleventy example: markdown posts in a layout that includes Parley's
 * thread (`_includes/parley-thread.njk`), built into dist/.
 */
export default function (eleventyConfig) {
  eleventyConfig.ignores.add('README.md');
  return { dir: { output: 'dist' } };
}
