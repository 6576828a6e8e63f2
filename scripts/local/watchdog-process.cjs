// Stops processes when their owner dies without stopping them (killed, or a signal its sandbox
// kept from reaching our handlers, as in a jest test). Plain JavaScript so that it starts in
// milliseconds without a TypeScript loader. Started by watchdog.ts; see there for the options.
'use strict';
const { readFileSync, rmSync } = require('node:fs');

const options = JSON.parse(process.argv[2] || '{}');
let fired = false;

function send(target, signal) {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** The configured targets, plus what the stack file records by the time we fire. */
function targets() {
  const list = [...(options.targets || [])];
  if (options.stackFile) {
    try {
      const stack = JSON.parse(readFileSync(options.stackFile, 'utf8'));
      if (stack.offlinePid) list.push({ target: -stack.offlinePid, signal: 'SIGTERM' });
      if (stack.dynamodbPid) list.push({ target: stack.dynamodbPid, signal: 'SIGTERM' });
      if (stack.pid) list.push({ target: stack.pid, signal: 'SIGTERM' });
    } catch {
      // nothing recorded yet
    }
  }
  return list;
}

function finish() {
  if (options.removeDir) rmSync(options.removeDir, { recursive: true, force: true });
  process.exit(0);
}

function fire() {
  if (fired) return;
  fired = true;
  // First the polite signal (the owner's children can then stop theirs in order)...
  for (const { target, signal } of targets()) send(target, signal);
  const deadline = Date.now() + (options.graceMs || 15000);
  const timer = setInterval(() => {
    const left = targets().filter(({ target }) => send(target, 0));
    if (left.length > 0 && Date.now() < deadline) return;
    // ...then no more waiting.
    for (const { target } of left) send(target, 'SIGKILL');
    clearInterval(timer);
    // Give killed processes a moment to release their files before the directory goes.
    setTimeout(() => finish(), left.length > 0 ? 500 : 0);
  }, 200);
}

// The owner holds the other end of stdin: end of file means it is gone, however it died.
process.stdin.on('end', fire);
process.stdin.on('error', fire);
process.stdin.resume();
// A terminal's Ctrl-C reaches the whole foreground group; we must outlive our owner to act.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
// The owner stops us with SIGTERM once it has stopped everything itself.
process.on('SIGTERM', () => process.exit(0));
