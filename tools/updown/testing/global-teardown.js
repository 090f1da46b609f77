'use strict';
// `globalTeardown: 'updown/testing/global-teardown'` in jest.config.ts.
module.exports = require('../entry.js')('testing/global-teardown');
