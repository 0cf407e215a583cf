/**
 * Names of the SQL functions the store registers on its connections. Their
 * own module, so a repository that calls one in SQL does not import the store
 * (and with it the drivers and pools) to know its name.
 */

/**
 * The name of the Unicode lower-case function every SQLite store registers
 * on its connection (JavaScript's `toLowerCase`); PostgreSQL's `lower()`
 * already folds by the database's locale.
 */
export const SQLITE_LOWER = 'parley_lower';
