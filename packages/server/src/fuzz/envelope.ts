/**
 * What design.md promises of every refusal: `{"error": {"code", "message",
 * "issues"?}}` as JSON, with one of the design's codes at the design's
 * status. Checked on every generated answer, so a handler that forgets the
 * envelope, or invents a code, fails the fuzz run.
 */

/** The design's error codes and the status each is answered with. */
const DESIGN_CODES: Readonly<Record<string, number>> = {
  invalid_request: 400,
  challenge_required: 400,
  unauthorized: 401,
  forbidden: 403,
  thread_not_found: 404,
  message_not_found: 404,
  not_found: 404,
  thread_closed: 409,
  duplicate_message: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const onlyKeys = (value: Record<string, unknown>, allowed: string[]) =>
  Object.keys(value).every((key) => allowed.includes(key));

/**
 * Why this error answer breaks the design's envelope, or undefined when it
 * keeps it (and its code is the design's for this status); also the code.
 */
export function envelopeProblem(
  status: number,
  contentType: string,
  text: string,
): { problem?: string; code?: string } {
  if (!contentType.startsWith('application/json')) {
    return {
      problem: `error answer is ${contentType || 'untyped'}, not JSON: ${text.slice(0, 200)}`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: `error answer is not valid JSON: ${text.slice(0, 200)}` };
  }
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(body) || !onlyKeys(body, ['error']) || !isRecord(error)) {
    return { problem: `error answer is not {"error": {...}}: ${text.slice(0, 200)}` };
  }
  const code = typeof error.code === 'string' ? error.code : undefined;
  const problems: string[] = [];
  if (!onlyKeys(error, ['code', 'message', 'issues']))
    problems.push('has fields beyond code, message, issues');
  if (code === undefined || DESIGN_CODES[code] === undefined)
    problems.push(`code ${String(error.code)} is not one of the design's`);
  else if (DESIGN_CODES[code] !== status)
    problems.push(`code ${code} belongs to ${DESIGN_CODES[code]}, not ${status}`);
  if (typeof error.message !== 'string' || error.message === '') problems.push('has no message');
  const issues = error.issues;
  if (
    issues !== undefined &&
    (!Array.isArray(issues) ||
      !issues.every(
        (issue) =>
          isRecord(issue) &&
          onlyKeys(issue, ['path', 'message']) &&
          typeof issue.path === 'string' &&
          typeof issue.message === 'string',
      ))
  ) {
    problems.push('issues is not [{path, message}]');
  }
  return {
    ...(problems.length > 0
      ? { problem: `error envelope ${problems.join('; ')}: ${text.slice(0, 300)}` }
      : {}),
    ...(code === undefined ? {} : { code }),
  };
}
