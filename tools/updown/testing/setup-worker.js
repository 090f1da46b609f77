'use strict';
// `setupFiles: ['updown/testing/setup-worker']` in jest.config.ts.
module.exports = require('../entry.js')('testing/setup-worker');
