// A node:test reporter for ClientsIT (system-tests): one JSON line per test, for the Java side to turn
// into one JUnit test each, and one last line with node's own summary counts.
//
//   {"file":"/…/gateway.test.js","name":"suite › test","status":"passed|failed|skipped","reason":"…","error":"…","duration_ms":12}
//   {"summary":{"tests":34,"suites":0,"pass":34,"fail":0,"cancelled":0,"skipped":0,"todo":0}}
//
// Tests are leaves; a suite contributes its name to its tests' names. A suite that never ran its tests
// (describe(…, { skip })) becomes one skipped entry, so that a skipped suite is not silently counted as
// nothing; a suite that failed by itself (a failing before/after hook) becomes one failed entry.
// Cancelled tests are failures here (node counts them apart as "cancelled").
// Used with --test-reporter=<this file> --test-reporter-destination=<file>, next to the spec reporter.

const SUMMARY_KEYS = new Set(['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms']);

function errorText(error) {
  if (!error) return undefined;
  const cause = error.cause ?? error;
  const text = cause && (cause.stack || cause.message) ? (cause.stack || cause.message) : String(cause);
  return String(text).slice(0, 4000);
}

function reasonText(flag) {
  return typeof flag === 'string' && flag.length > 0 ? flag : undefined;
}

export default async function* resultsReporter(source) {
  const pending = new Map(); // file -> [{ nesting, record }]
  const summary = {};

  const emit = (record) => JSON.stringify(record) + '\n';

  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:diagnostic') {
      const match = /^(\w+) (\S+)$/.exec(String(data.message ?? ''));
      if (data.nesting === 0 && match && SUMMARY_KEYS.has(match[1])) summary[match[1]] = Number(match[2]);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;

    const file = data.file ?? '(no file)';
    const nesting = data.nesting ?? 0;
    const list = pending.get(file) ?? [];
    pending.set(file, list);
    // the records of this node's subtests: the tail of the list with a deeper nesting
    let first = list.length;
    while (first > 0 && list[first - 1].nesting > nesting) first -= 1;
    const children = list.splice(first).map((entry) => entry.record);
    for (const child of children) child.name = `${data.name} › ${child.name}`;

    const isSuite = data.details?.type === 'suite';
    const failureType = data.details?.error?.failureType;
    const own = [];
    if (!isSuite) {
      let status = event.type === 'test:fail' ? 'failed' : 'passed';
      let reason;
      if (data.todo !== undefined && data.todo !== false) {
        status = 'skipped';
        reason = 'todo' + (reasonText(data.todo) ? ': ' + data.todo : '');
      } else if (data.skip !== undefined && data.skip !== false) {
        status = 'skipped';
        reason = reasonText(data.skip) ?? 'skipped';
      }
      own.push({
        file, name: data.name, status, reason,
        error: status === 'failed' ? errorText(data.details?.error) : undefined,
        duration_ms: data.details?.duration_ms,
      });
    } else if (data.skip !== undefined && data.skip !== false && children.length === 0) {
      own.push({ file, name: data.name, status: 'skipped', reason: `suite skipped: ${reasonText(data.skip) ?? 'skipped'}` });
    } else if (event.type === 'test:fail' && failureType !== 'subtestsFailed') {
      const failed = children.filter((child) => child.status === 'failed');
      const error = errorText(data.details?.error);
      if (failed.length === 0) {
        own.push({ file, name: `${data.name} (suite)`, status: 'failed', error });
      } else {
        // typically a failing hook that cancelled the tests: say why
        for (const child of failed) child.error = `${child.error ?? ''}\nsuite "${data.name}" failed: ${error}`;
      }
    }
    const records = [...children, ...own];
    if (nesting === 0) {
      for (const record of records) yield emit(record);
    } else {
      for (const record of records) list.push({ nesting, record });
    }
  }
  for (const list of pending.values()) {
    for (const { record } of list) yield emit(record);
  }
  yield emit({ summary });
}
