/**
 * The Mocha globals web-test-runner provides, typed here rather than through
 * `@types/mocha` (one dev dependency fewer; these four are all the tests use).
 */
type MochaTest = (this: unknown) => unknown;
declare function describe(title: string, fn: () => void): void;
declare function it(title: string, fn: MochaTest): void;
declare function beforeEach(fn: MochaTest): void;
declare function afterEach(fn: MochaTest): void;
