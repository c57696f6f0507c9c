// The console's units (web/public/js/format.js), as the talk wrote them.
import assert from 'node:assert/strict';
import test from 'node:test';
import * as fmt from '../../web/public/js/format.js';

test('bytes in decimal units', () => {
  assert.equal(fmt.bytes(13140000), '13.14 MB');
  assert.equal(fmt.bytes(999), '999 B');
  assert.equal(fmt.bytes(1000), '1.00 KB');
  assert.equal(fmt.bytes(null), '–');
});

test('memory from KB in binary steps: 2960 KB is 2.89 MB', () => {
  assert.equal(fmt.kilobytes(2960), '2.89 MB');
  assert.equal(fmt.kilobytes(512), '512 KB');
  assert.equal(fmt.kilobytes(null), 'not available');
});

test('bits per second', () => {
  assert.equal(fmt.bps(380000), '380.00 kbps');
  assert.equal(fmt.bps(3.04e6), '3.04 Mbps');
  assert.equal(fmt.bps(12), '12 bps');
});

test('durations like "4 min 37 s"', () => {
  assert.equal(fmt.duration(277.333), '4 min 37 s');
  assert.equal(fmt.duration(0.25), '250 ms');
  assert.equal(fmt.duration(0), '0 s');
  assert.equal(fmt.duration(59.6), '1 min 0 s');
  assert.equal(fmt.duration(7400), '2 h 3 min');
  assert.equal(fmt.duration(90000), '1 d 1 h');
});

test('percentages, null is "not available"', () => {
  assert.equal(fmt.percent(19.75), '19.75 %');
  assert.equal(fmt.percent(null), 'not available');
});

test('endpoints: IPv6 in brackets, no port for ICMP', () => {
  assert.equal(fmt.endpoint('10.0.0.1', 48734), '10.0.0.1:48734');
  assert.equal(fmt.endpoint('::1', 443), '[::1]:443');
  assert.equal(fmt.endpoint('10.0.0.1', 0), '10.0.0.1');
});
