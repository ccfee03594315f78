#!/usr/bin/env node
// SPDX-License-Identifier: MIT
'use strict';
/*
 * node_reader.js: a tuncheck exec backend, Node.js reading the queue (fd 3)
 * the two ways a Node program can:
 *
 *   tuncheck run -b node-fs='exec:node examples/node_reader/node_reader.js fs' cases
 *   tuncheck run -b node-pipe='exec:node examples/node_reader/node_reader.js pipe' cases
 *
 * fs    fs.read() in a loop: each read is a blocking read(2) on libuv's
 *       threadpool (the only way the public API reads a character device).
 *       Nothing is registered anywhere; close cannot release a read in
 *       progress (fs.close() closes the fd, the worker stays in read()).
 * pipe  libuv's stream: a Pipe handle opened on fd 3 (process.binding's
 *       pipe_wrap: net.Socket refuses a character device), read through a
 *       net.Socket.  uv_pipe_open() makes the fd non-blocking; reading
 *       registers it with libuv's epoll (level-triggered) on the next loop
 *       iteration.  An error ends the stream and libuv closes fd 3 with it.
 *
 * Protocol 2 (README: The exec protocol): Node hides its wakeups (libuv's
 * epoll_wait is not visible to JavaScript), so the program says
 * `ready 2 no-wakes`: in fs mode before the first read, in pipe mode from a
 * setImmediate() callback after readStart, which runs after the loop's
 * poll phase, so after libuv's epoll_ctl(EPOLL_CTL_ADD).  Errors go by
 * number (`error 77`: libuv passes errnos it has no name for through), or
 * `error - CODE` when there is none.
 */
const fs = require('fs');
const net = require('net');

const FD = Number(process.env.TUNCHECK_FD || 3);
const BUFSIZE = Number(process.env.TUNCHECK_BUFSIZE) || 65536;
const RETRY = process.env.TUNCHECK_ERRORS === 'retry';
const PAUSE_MS = (Number(process.env.TUNCHECK_RETRY_US) || 1000) / 1000;
const mode = process.argv[2] || 'fs';

// one protocol line, written synchronously: tuncheck stamps it on arrival
function say(line) {
  fs.writeSync(1, line + '\n');
}

// an error as the protocol wants it: an errno number, or "- CODE"
function code(err) {
  if (typeof err.errno === 'number' && err.errno < 0) return String(-err.errno);
  return '- ' + String(err.code || err.message).replace(/\s+/g, ' ');
}

function finish(result) {
  say('return ' + result);
  process.exit(0);
}

// the case's close step arrives on stdin as a line "close"
function onClose(fn) {
  let rest = '';
  process.stdin.on('data', (chunk) => {
    rest += chunk;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line === 'close') fn();
    }
  });
  process.stdin.on('error', () => {});
}

function runFs() {
  const buf = Buffer.alloc(BUFSIZE);
  let closing = false;

  onClose(() => {
    closing = true;
    fs.close(FD, () => {});
  });
  say('ready 2 no-wakes');
  const next = () => fs.read(FD, buf, 0, BUFSIZE, null, (err, n) => {
    if (!err) {
      say(`read ${n} ${buf.subarray(0, n).toString('hex')}`);
      return next();
    }
    if (closing && err.code === 'EBADF') return finish('ok');
    const c = code(err);
    say('error ' + c);
    if (!RETRY) return finish(c[0] === '-' ? 'EIO' : c);
    setTimeout(next, PAUSE_MS);
  });
  next();
}

function runPipe() {
  // eslint-disable-next-line node/no-deprecated-api
  const { Pipe, constants } = process.binding('pipe_wrap');
  const handle = new Pipe(constants.SOCKET);
  const err = handle.open(FD);
  if (err) {
    say(`# Pipe.open(${FD}) failed: ${err}`);
    return finish(String(-err));
  }
  const sock = new net.Socket({ handle, readable: true, writable: false });
  let closing = false;

  onClose(() => {
    closing = true;
    sock.destroy(); // uv_close(): EPOLL_CTL_DEL, then close(fd 3)
    finish('ok');
  });
  sock.on('data', (data) => say(`read ${data.length} ${data.toString('hex')}`));
  sock.on('error', (e) => {
    const c = code(e);
    say('error ' + c);
    if (RETRY) say('# libuv closed fd 3 with the stream: nothing left to retry on');
    finish(c[0] === '-' ? 'EIO' : c);
  });
  sock.on('end', () => closing || finish('ok'));
  setImmediate(() => say('ready 2 no-wakes'));
}

process.on('uncaughtException', (e) => {
  process.stderr.write(`node_reader: ${e.stack}\n`);
  process.exit(1);
});
if (mode === 'fs') runFs();
else if (mode === 'pipe') runPipe();
else {
  process.stderr.write(`node_reader: unknown mode '${mode}' (fs, pipe)\n`);
  process.exit(2);
}
