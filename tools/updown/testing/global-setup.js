'use strict';
// `globalSetup: 'updown/testing/global-setup'` in jest.config.ts.
module.exports = require('../entry.js')('testing/global-setup');
